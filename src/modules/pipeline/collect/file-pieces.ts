import fs from 'node:fs/promises';

/**
 * Reads a file in pieces of up to `pieceBytes` into one buffer that every piece reuses: a piece is
 * valid until the next one is asked for, so the consumer must copy what it keeps (the chunker
 * copies every byte it takes). A read stream allocates a new buffer per piece instead, and those
 * are freed only by V8's full collections, after tens of megabytes of them.
 */
export async function* readFilePieces(file: string, pieceBytes = 1024 * 1024): AsyncGenerator<Uint8Array> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(pieceBytes);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, pieceBytes, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
