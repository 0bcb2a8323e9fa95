// Sign in with an access key (client credentials) or with email and password.
import { Alert, Button, Center, Paper, PasswordInput, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { sessionEndReason, signIn, type Credentials } from '../lib/session';

export function SignIn() {
  const [error, setError] = useState<string | null>(null);
  const [notice] = useState(sessionEndReason);
  const [busy, setBusy] = useState(false);
  const submit = async (credentials: Credentials) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(credentials);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="lg" w={420} maw="100%">
        <Title order={1} size="h2" mb="md">
          Sign in to Metergraph
        </Title>
        {error ? (
          <Alert color="red" role="alert" mb="md" title="Sign in failed">
            {error}
          </Alert>
        ) : notice ? (
          <Alert color="yellow" role="status" mb="md" title="Signed out">
            {notice}
          </Alert>
        ) : null}
        <Tabs defaultValue="key">
          <Tabs.List grow mb="md">
            <Tabs.Tab value="key">Access key</Tabs.Tab>
            <Tabs.Tab value="password">Email and password</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="key">
            <Text size="sm" c="dimmed" mb="sm">
              On a fresh install, use the administrator credentials <code>make dev</code> printed.
            </Text>
            <KeyForm busy={busy} onSubmit={submit} />
          </Tabs.Panel>
          <Tabs.Panel value="password">
            <PasswordForm busy={busy} onSubmit={submit} />
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </Center>
  );
}

type FormProps = { busy: boolean; onSubmit: (credentials: Credentials) => void };

export function KeyForm({ busy, onSubmit }: FormProps) {
  const [accessKeyId, setKey] = useState('');
  const [apiSecret, setSecret] = useState('');
  return (
    <form
      aria-label="Sign in with an access key"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit({ kind: 'key', accessKeyId: accessKeyId.trim(), apiSecret: apiSecret.trim() });
      }}
    >
      <Stack>
        <TextInput label="Access key id" required value={accessKeyId} onChange={(e) => setKey(e.currentTarget.value)} />
        {/* A textbox, not a password field: the secret is pasted from the dev banner and
            the contract names it a textbox; autocomplete stays off. */}
        <TextInput
          label="API secret"
          required
          autoComplete="off"
          value={apiSecret}
          onChange={(e) => setSecret(e.currentTarget.value)}
        />
        <Button type="submit" loading={busy}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}

export function PasswordForm({ busy, onSubmit }: FormProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <form
      aria-label="Sign in with email and password"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit({ kind: 'password', email: email.trim(), password });
      }}
    >
      <Stack>
        <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <PasswordInput label="Password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
        <Button type="submit" loading={busy}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
