import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { errorText, Said } from '../lib/api';

export function ErrorBox({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {error instanceof Said ? null : <><strong>Something went wrong.</strong> </>}{errorText(error)}
      {onDismiss ? <button type="button" className="link" onClick={onDismiss}>dismiss</button> : null}
    </div>
  );
}

/** Loads data once per dependency change; returns [data, error, reload]. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): [T | undefined, unknown, () => void] {
  const [data, setData] = useState<T>();
  const [err, setErr] = useState<unknown>();
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setErr(undefined);
    fn().then((d) => live && setData(d), (e) => live && setErr(e));
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, n]);
  return [data, err, () => setN((x) => x + 1)];
}

/**
 * A window keydown handler that always sees the latest render. It is swapped in during the
 * commit (a layout effect), so a key pressed the moment new content appears acts on that content;
 * a listener re-added by useEffect would wait for React's passive effects, which can run later.
 */
export function useKeydown(handler: (e: KeyboardEvent) => void) {
  const latest = useRef(handler);
  useLayoutEffect(() => { latest.current = handler; });
  useEffect(() => {
    const on = (e: KeyboardEvent) => latest.current(e);
    addEventListener('keydown', on);
    return () => removeEventListener('keydown', on);
  }, []);
}

export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: React.ReactNode }) {
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const on = (e: KeyboardEvent) => { if (e.key === 'Escape') { e.preventDefault(); onClose(); } };
    addEventListener('keydown', on);
    return () => { removeEventListener('keydown', on); prev?.focus?.(); };
  }, [onClose]);
  return (
    <div className="modal-bg" onClick={onClose}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={title} onClick={(e) => e.stopPropagation()}>
        <header><h2>{title}</h2><button type="button" className="link" onClick={onClose} autoFocus>Close <kbd>Esc</kbd></button></header>
        {children}
      </div>
    </div>
  );
}

/**
 * A question before an action: what will happen (`children`), the action's button and Cancel
 * (Esc and a click outside cancel too). `danger`: the action takes something away.
 *
 *   {removing ? <Confirm title="Remove Ann?" action="Remove Ann" onConfirm={() => remove(removing)} onClose={close}>She …</Confirm> : null}
 */
export function Confirm({ title, action, danger = true, onConfirm, onClose, children }: {
  title: string; action: string; danger?: boolean; onConfirm: () => void; onClose: () => void; children: React.ReactNode;
}) {
  return (
    <Modal title={title} onClose={onClose}>
      <p>{children}</p>
      <div className="row">
        <button type="button" className={danger ? 'bad-btn' : 'primary'} onClick={onConfirm}>{action}</button>
        <button type="button" onClick={onClose}>Cancel</button>
      </div>
    </Modal>
  );
}

/**
 * A horizontally scrolling box for wide tables on narrow screens. Only when it actually
 * scrolls does it become a tab stop (so keyboard users can scroll it); otherwise it stays out
 * of the focus order.
 */
export function ScrollX({ label, children }: { label: string; children: React.ReactNode }) {
  const ref = React.useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useResize(ref, (el) => setScrolls(el.scrollWidth > el.clientWidth + 1), true);
  return <div ref={ref} className="table-wrap" tabIndex={scrolls ? 0 : undefined} role={scrolls ? 'region' : undefined} aria-label={scrolls ? label : undefined}>{children}</div>;
}

/**
 * Calls `on(el)` once mounted and whenever the element (with `child`, also its first child)
 * changes size; where ResizeObserver is missing (tests), only the first call.
 */
export function useResize(ref: React.RefObject<HTMLElement | null>, on: (el: HTMLElement) => void, child = false) {
  useEffect(() => {
    const el = ref.current; if (!el) return;
    const f = () => on(el);
    f();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(f); ro.observe(el);
    if (child && el.firstElementChild) ro.observe(el.firstElementChild);
    return () => ro.disconnect();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- set up once per mount, as before
}
