// Reads a JSON request body with a hard size cap, so a huge or endless upload is
// refused early instead of buffered.
import type { IncomingMessage } from "node:http";
import { PayloadTooLargeError, ValidationError } from "../errors.ts";

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw new PayloadTooLargeError(`Request body exceeds ${maxBytes} bytes.`);
  }
  const chunks = await readChunks(req, maxBytes);
  const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new ValidationError("Request body must be a JSON object.");
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("Request body is not valid JSON.");
  }
}

// Plain 'data'/'end' listeners rather than `for await`: an async iterator per
// request was a visible share of the CPU of small, hot requests such as ratings.
function readChunks(req: IncomingMessage, maxBytes: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    // A client that hung up before the body was read (say during an uncached key
    // lookup) has already had its 'close': no listener added now would fire.
    if (req.destroyed) {
      reject(new Error("request closed before its body was read"));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.resume();
        reject(new PayloadTooLargeError(`Request body exceeds ${maxBytes} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // A client that hangs up mid-body would otherwise leave the promise pending.
    const onClose = () => onError(new Error("request closed before its body ended"));
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
