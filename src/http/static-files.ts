// Serves the built React client. Unknown paths without a file extension get
// index.html so client-side routes survive a reload.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PromptLab</title></head>
<body><h1>PromptLab</h1><p>The API is running. The web client has not been built: run <code>npm run build</code>.</p></body></html>`;

async function fileAt(filePath: string): Promise<boolean> {
  try {
    return (await stat(filePath)).isFile();
  } catch {
    return false;
  }
}

export function createStaticHandler(rootDir: string) {
  const root = path.resolve(rootDir);
  return async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      decoded = "/";
    }
    const requested = path.resolve(root, "." + path.posix.normalize(decoded));
    // Never serve anything outside the client folder (../ tricks).
    const safe = requested.startsWith(root + path.sep) || requested === root;
    let target = safe && (await fileAt(requested)) ? requested : null;
    if (!target && !path.extname(decoded)) {
      const index = path.join(root, "index.html");
      if (await fileAt(index)) target = index;
    }
    if (!target) {
      if (!path.extname(decoded)) {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        res.end(PLACEHOLDER);
        return;
      }
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Not found");
      return;
    }
    const immutable = target.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, {
      "Content-Type": CONTENT_TYPES[path.extname(target)] ?? "application/octet-stream",
      "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(target).pipe(res);
  };
}
