// The client going away before its answer is finished stops the answer at
// once: the upstream call is cut and the answer is stored as incomplete.
import type { ServerResponse } from "node:http";
import type { StopWatch } from "../services/answer-stream.ts";
import { ClientDisconnectedError } from "../services/chat.ts";

/** A watch on `res` for an AnswerStream: a hang-up is a 'close' before the response finished. */
export function clientHangUp(res: ServerResponse): StopWatch {
  return (stop) => {
    const onClose = () => {
      if (!res.writableFinished) stop(new ClientDisconnectedError());
    };
    // Gone already (while its request was being read or checked): stop before the first byte.
    if (res.closed) {
      onClose();
      return () => {};
    }
    // on, not once: once wraps the listener in one more function object per stream.
    res.on("close", onClose);
    return () => res.removeListener("close", onClose);
  };
}
