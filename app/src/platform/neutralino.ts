import { messageOf } from '../error-message.ts';
import { HOST_EXTENSION_ID, RELAY_EVENTS } from '../protocol.ts';

/**
 * Everything the UI asks of the Neutralino runtime, in one place. The library is imported
 * lazily and only inside the window, so the browser bundle never carries it.
 */
type NeutralinoLib = typeof import('@neutralinojs/lib');

/** Where the host's WebSocket is, as the host announces it on the relay. */
export interface HostAddress {
  readonly url: string;
  readonly token: string;
}

let lib: Promise<NeutralinoLib> | undefined;

/** True inside the Neutralino window: its runtime defines `NL_PORT` before our script runs. */
export function isNeutralinoWindow(): boolean {
  return typeof (window as { NL_PORT?: unknown }).NL_PORT !== 'undefined';
}

function neutralino(): Promise<NeutralinoLib> {
  lib ??= import('@neutralinojs/lib').then((nl) => {
    nl.init({ exportCustomMethods: false });
    return nl;
  });
  return lib;
}

/**
 * Asks the host, through the extension relay, where its WebSocket is. The relay is slow and
 * only carries this hand-off; everything else goes over the socket.
 */
export async function askHostAddress(signal: AbortSignal): Promise<HostAddress> {
  const nl = await neutralino();
  signal.throwIfAborted();
  return new Promise<HostAddress>((resolve, reject) => {
    const onHost = (event: CustomEvent): void => {
      const address = parseAddress(event.detail);
      if (!address) return;
      cleanup();
      resolve(address);
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal.reason);
    };
    const cleanup = (): void => {
      void nl.events.off(RELAY_EVENTS.host, onHost);
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void nl.events.on(RELAY_EVENTS.host, onHost);
    // The library holds the dispatch until the extension connects, so a host that starts
    // after the window is reached as soon as it is up.
    nl.extensions.dispatch(HOST_EXTENSION_ID, RELAY_EVENTS.hello, {}).catch((error: unknown) => {
      cleanup();
      reject(new Error(`The Grove host extension is not running (${messageOf(error)}).`));
    });
  });
}

/** Opens the system folder picker; resolves to the chosen path, or '' when cancelled. */
export async function chooseFolder(title: string): Promise<string> {
  const nl = await neutralino();
  return nl.os.showFolderDialog(title);
}

/** Sets the native window's title (the document title does not reach it). */
export async function setWindowTitle(title: string): Promise<void> {
  const nl = await neutralino();
  await nl.window.setTitle(title);
}

/** Shows a desktop notification through the runtime (`os.showNotification`, in the allow list). */
export async function showNotification(title: string, content: string): Promise<void> {
  const nl = await neutralino();
  await nl.os.showNotification(title, content);
}

function parseAddress(detail: unknown): HostAddress | null {
  if (typeof detail !== 'object' || detail === null) return null;
  const { url, token } = detail as Record<string, unknown>;
  if (typeof url !== 'string' || typeof token !== 'string') return null;
  return { url, token };
}
