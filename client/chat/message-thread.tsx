// The scrolling list of messages. It follows a streaming answer while the
// reader is at the bottom, and leaves them alone once they scroll up to read.
import { useLayoutEffect, useRef, type ReactNode } from "react";
import type { ChatItem } from "./chat-item.ts";
import { MessageView } from "./message-view.tsx";

const NEAR_BOTTOM_PX = 80;

interface MessageThreadProps {
  items: ChatItem[];
  conversationId: string | null;
  /** Admins get a "Why this answer?" link to each answer's provenance. */
  isAdmin: boolean;
  onRetry: ((text: string) => void) | null;
  empty: ReactNode;
}

export function MessageThread(props: MessageThreadProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useLayoutEffect(() => {
    following.current = true;
  }, [props.conversationId]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [props.items]);

  function onScroll() {
    const element = scroller.current;
    if (element) following.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
  }

  return (
    <div className="thread" ref={scroller} onScroll={onScroll}>
      <div className="thread-inner">
        {props.items.length === 0
          ? props.empty
          : props.items.map((item) => (
              <MessageView key={item.key} item={item} conversationId={props.conversationId} isAdmin={props.isAdmin} onRetry={props.onRetry} />
            ))}
      </div>
    </div>
  );
}
