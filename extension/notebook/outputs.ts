// Kernel outputs (protocol.ts CellOutput) ↔ VS Code notebook output items, as plain data (mime + bytes) so
// the mapping is tested without VS Code. The serializer and the controller wrap these in vscode classes.
import type { CellOutput } from '../../protocol/index.ts';

export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';
export const ERROR_MIME = 'application/vnd.code.notebook.error';

export interface OutputItemData {
  mime: string;
  data: Uint8Array;
}

/** What the serializer keeps in a NotebookCellOutput's metadata to tell a `result` from a `display`. */
export interface OutputMeta {
  rdkafkaKind: CellOutput['kind'];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const isJsonMime = (mime: string) => mime === 'application/json' || mime.endsWith('+json');
// Binary MIME types travel as base64 strings in the protocol and the file (as in Jupyter), as bytes in VS Code.
const isBinaryMime = (mime: string) => /^(image|audio|video)\//.test(mime) && mime !== 'image/svg+xml';

function bundleItem(mime: string, value: unknown): OutputItemData {
  if (isBinaryMime(mime) && typeof value === 'string')
    return { mime, data: Uint8Array.from(Buffer.from(value, 'base64')) };
  // JSON indented: VS Code's JSON view shows the text as it is.
  const text = typeof value === 'string' && !isJsonMime(mime) ? value : JSON.stringify(value, null, 2);
  return { mime, data: encoder.encode(text ?? 'undefined') };
}

/** The items VS Code renders for one kernel output, richest MIME type first. */
export function outputItems(output: CellOutput): OutputItemData[] {
  switch (output.kind) {
    case 'stream':
      return [
        { mime: output.name === 'stderr' ? STDERR_MIME : STDOUT_MIME, data: encoder.encode(output.text) },
      ];
    case 'error':
      return [
        {
          mime: ERROR_MIME,
          data: encoder.encode(
            JSON.stringify({ name: output.name, message: output.message, stack: output.stack }),
          ),
        },
      ];
    case 'display':
    case 'result': {
      // VS Code chooses by its own MIME ranking (application/json above text/html), not by this order:
      // the kernel emits only the types meant to be seen (display.ts). text/plain last for other readers.
      const mimes = Object.keys(output.data).sort(
        (a, b) => Number(a === 'text/plain') - Number(b === 'text/plain'),
      );
      return mimes.map((m) => bundleItem(m, output.data[m]));
    }
  }
}

/** The kernel output a VS Code output stands for (used when saving). Items of one stream are joined. */
export function cellOutputFrom(
  items: OutputItemData[],
  meta: Partial<OutputMeta> | undefined,
): CellOutput | undefined {
  if (items.length === 0) return undefined;
  const first = items[0]!;
  if (first.mime === STDOUT_MIME || first.mime === STDERR_MIME) {
    const text = items
      .filter((i) => i.mime === first.mime)
      .map((i) => decoder.decode(i.data))
      .join('');
    return { kind: 'stream', name: first.mime === STDERR_MIME ? 'stderr' : 'stdout', text };
  }
  if (first.mime === ERROR_MIME) {
    const e = JSON.parse(decoder.decode(first.data)) as { name?: string; message?: string; stack?: string };
    return { kind: 'error', name: e.name ?? 'Error', message: e.message ?? '', stack: e.stack ?? '' };
  }
  const data: Record<string, unknown> = {};
  for (const { mime, data: bytes } of items) {
    if (isBinaryMime(mime)) data[mime] = Buffer.from(bytes).toString('base64');
    else if (isJsonMime(mime)) data[mime] = JSON.parse(decoder.decode(bytes));
    else data[mime] = decoder.decode(bytes);
  }
  return { kind: meta?.rdkafkaKind === 'result' ? 'result' : 'display', data };
}
