// A horizontally scrolling region for wide tables on narrow screens; focusable, so the
// keyboard can scroll it too.
export function HorizontalScroll({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
      {children}
    </div>
  );
}
