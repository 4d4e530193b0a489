// The screen worker: a headless xterm per terminal, fed every byte its shell writes, and
// serialized on request. Runs in a worker thread (see screen-protocol.ts for why).
import { parentPort } from 'node:worker_threads';
import { SerializeAddon } from '@xterm/addon-serialize';
import headless from '@xterm/headless';
import type { ScreenReply, ScreenRequest } from './screen-protocol.ts';

interface Screen {
  readonly term: headless.Terminal;
  readonly serializer: SerializeAddon;
}

const port = parentPort;
if (port === null) throw new Error('screen-worker.ts runs as a worker thread of the Grove host.');
const screens = new Map<string, Screen>();
const reply = (message: ScreenReply) => port.postMessage(message);

port.on('message', (request: ScreenRequest) => {
  if (request.op === 'open') {
    const term = new headless.Terminal({
      cols: request.cols,
      rows: request.rows,
      scrollback: request.scrollback,
      allowProposedApi: true,
    });
    const serializer = new SerializeAddon();
    // The addon's types name the browser Terminal; the headless one has the same buffer API.
    term.loadAddon(serializer as unknown as headless.ITerminalAddon);
    if (request.history !== '') term.write(request.history);
    screens.set(request.id, { term, serializer });
    return;
  }
  const screen = screens.get(request.id);
  switch (request.op) {
    case 'write':
      // Written even when the screen is gone, so the host's bookkeeping of what is parsed still moves.
      if (screen === undefined) reply({ op: 'parsed', id: request.id, end: request.end });
      else screen.term.write(request.data, () => reply({ op: 'parsed', id: request.id, end: request.end }));
      return;
    case 'resize':
      if (screen && (screen.term.cols !== request.cols || screen.term.rows !== request.rows)) {
        screen.term.resize(request.cols, request.rows);
      }
      return;
    case 'snapshot': {
      if (screen === undefined) {
        reply({ op: 'snapshot', ask: request.ask, data: '' });
        return;
      }
      const { lines } = request;
      screen.term.write('', () => {
        const data =
          lines === 'history'
            ? screen.serializer.serialize({ excludeModes: true, excludeAltBuffer: true })
            : screen.serializer.serialize({ scrollback: lines });
        reply({ op: 'snapshot', ask: request.ask, data });
      });
      return;
    }
    case 'close':
      screen?.term.dispose();
      screens.delete(request.id);
      return;
  }
});
