// Router links styled as Mantine anchors, so they keep native link semantics and keyboard use.
import { Anchor } from '@mantine/core';
import { Link } from 'react-router';

export function To({ to, children, label }: { to: string; children: React.ReactNode; label?: string }) {
  return (
    <Anchor component={Link} to={to} aria-label={label}>
      {children}
    </Anchor>
  );
}
