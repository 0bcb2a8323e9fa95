import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SESSION_ENDED, signOut } from '../lib/session';
import { renderWith } from '../test/render';
import { KeyForm, PasswordForm, SignIn } from './SignIn';

afterEach(() => signOut());

describe('sign in forms', () => {
  it('sends the access key id and secret, trimmed', () => {
    const onSubmit = vi.fn();
    renderWith(<KeyForm busy={false} onSubmit={onSubmit} />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Access key id' }), { target: { value: ' KEY ' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'API secret' }), { target: { value: 's3cret ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(onSubmit).toHaveBeenCalledWith({ kind: 'key', accessKeyId: 'KEY', apiSecret: 's3cret' });
  });

  it('sends email and password', () => {
    const onSubmit = vi.fn();
    renderWith(<PasswordForm busy={false} onSubmit={onSubmit} />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Email' }), { target: { value: 'ann@example.com' } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: 'pw' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(onSubmit).toHaveBeenCalledWith({ kind: 'password', email: 'ann@example.com', password: 'pw' });
  });

  it('says why the console signed the user out when the API refused the token', () => {
    signOut(SESSION_ENDED);
    renderWith(<SignIn />);
    expect(screen.getByRole('status')).toHaveTextContent(SESSION_ENDED);
  });

  it('says nothing after the user signed out', () => {
    signOut();
    renderWith(<SignIn />);
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });
});
