// What a failed answer means to the person reading it, by the server's error
// code. Stored history only keeps the code, so live and stored failures read
// the same.
const BY_CODE: Record<string, string> = {
  upstream_error: "The model provider failed while answering.",
  first_token_timeout: "The model did not start answering in time.",
  connection_lost: "The connection to the server dropped before the answer finished.",
  internal_error: "The server could not finish the answer.",
};

export function streamErrorText(code: string | null, serverMessage?: string): string {
  if (serverMessage) return serverMessage;
  return (code && BY_CODE[code]) || "The answer failed.";
}
