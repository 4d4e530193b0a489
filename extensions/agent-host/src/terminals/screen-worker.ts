// The screen worker: every terminal's screen (headless-screen.ts), fed every character its
// shell writes, and serialized on request. Runs in a worker thread (see screen-protocol.ts for why).
import { parentPort } from 'node:worker_threads';
import { HeadlessScreen } from './headless-screen.ts';
import type { ScreenReply, ScreenRequest } from './screen-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('screen-worker.ts runs as a worker thread of the Grove host.');
const screens = new Map<string, HeadlessScreen>();
const reply = (message: ScreenReply) => port.postMessage(message);

port.on('message', (request: ScreenRequest) => {
  if (request.op === 'open') {
    screens.set(request.id, new HeadlessScreen(request.cols, request.rows, request.scrollback, request.history));
    return;
  }
  const screen = screens.get(request.id);
  switch (request.op) {
    case 'write': {
      const parsed = () => reply({ op: 'parsed', id: request.id, end: request.end });
      // Reported even when the screen is gone, so the host's bookkeeping of what is parsed still moves.
      if (screen === undefined) parsed();
      else screen.write(request.data, parsed);
      return;
    }
    case 'resize':
      screen?.resize(request.cols, request.rows);
      return;
    case 'snapshot':
      if (screen === undefined) reply({ op: 'snapshot', ask: request.ask, data: '' });
      else screen.serialize(request.lines, (data) => reply({ op: 'snapshot', ask: request.ask, data }));
      return;
    case 'close':
      screen?.dispose();
      screens.delete(request.id);
      return;
  }
});
