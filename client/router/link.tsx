// An <a> that navigates in-app on a plain click and behaves like a normal link
// otherwise (new tab, copy address, middle click).
import type { AnchorHTMLAttributes, MouseEvent } from "react";
import { navigate } from "./history-location.ts";

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, ...rest } = props;
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.href);
  }
  return <a {...rest} onClick={handleClick} />;
}
