// The start-up benchmark's baseline: the smallest server started the same way
// as PromptLab (node --import tsx), answering GET /health. Its start-up time is
// the floor that Node and tsx alone cost on this machine.
import http from "node:http";

http
  .createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
  })
  .listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
