import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderWith } from '../test/render';
import { KeyForm, PasswordForm } from './SignIn';

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
});
