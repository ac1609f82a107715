// Reads a PromptLab SSE response in tests with a maintained parser
// (eventsource-parser), keeping each event's arrival time.
import { createParser } from "eventsource-parser";

export interface ReceivedEvent {
  event: string;
  id: string | undefined;
  data: Record<string, unknown>;
  at: number;
}

export async function readSse(response: Response, onEvent?: (event: ReceivedEvent) => void): Promise<ReceivedEvent[]> {
  if (!response.body) throw new Error("response has no body");
  const events: ReceivedEvent[] = [];
  const parser = createParser({
    onEvent(message) {
      const received = {
        event: message.event ?? "message",
        id: message.id,
        data: JSON.parse(message.data) as Record<string, unknown>,
        at: performance.now(),
      };
      events.push(received);
      onEvent?.(received);
    },
  });
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  return events;
}

export function eventsNamed(events: ReceivedEvent[], name: string): ReceivedEvent[] {
  return events.filter((event) => event.event === name);
}

export function only(events: ReceivedEvent[], name: string): Record<string, unknown> {
  const matching = eventsNamed(events, name);
  if (matching.length !== 1) throw new Error(`expected one ${name} event, got ${matching.length}: ${JSON.stringify(events)}`);
  return matching[0]!.data;
}
