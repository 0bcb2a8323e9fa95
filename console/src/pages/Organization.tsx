// The organization: config, currencies, users and invitations, service users and access
// keys (a new secret is shown once), permission policies.
import { Alert, Badge, Button, Card, Code, Group, List, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, QueryState } from '../components/States';
import { graphql } from '../gql';
import type { OrganizationPageQuery as OrganizationResult } from '../gql/graphql';
import { describeError } from '../lib/errors';

const OrganizationPageQuery = graphql(`
  query OrganizationPage {
    organizationConfig {
      timezone
      currency
      dayEpoch
      weekEpoch
      monthEpoch
      yearEpoch
      daysBeforeBillDue
      currencyConversions { from to multiplier }
    }
    currencies(first: 100) { nodes { id code name maxDecimalPlaces roundingMode } }
    users(first: 100) { nodes { id version email firstName lastName status permissionPolicies { name } } }
    serviceUsers(first: 100) {
      nodes {
        id
        name
        description
        permissionPolicies { name }
        accessKeys(first: 20) { nodes { id version accessKeyId status } }
      }
    }
    permissionPolicies(first: 100) { nodes { id name managed statements { effect action resource } } }
  }
`);
const CreateAccessKey = graphql(`
  mutation CreateAccessKey($serviceUserId: ID!) {
    createAccessKey(input: { serviceUserId: $serviceUserId }) {
      accessKey { accessKeyId }
      apiSecret
      userErrors { message }
    }
  }
`);
const InviteUser = graphql(`
  mutation InviteUser($input: InviteUserInput!) {
    inviteUser(input: $input) { user { id } invitationToken userErrors { field message } }
  }
`);

const UpdateUser = graphql(`
  mutation UpdateUser($input: UpdateUserInput!) {
    updateUser(input: $input) { user { id status } userErrors { message } }
  }
`);
const UpdateAccessKey = graphql(`
  mutation UpdateAccessKey($input: UpdateAccessKeyInput!) {
    updateAccessKey(input: $input) { accessKey { id status } userErrors { message } }
  }
`);

type Data = OrganizationResult;

// A user or key made INACTIVE loses its tokens for good; ACTIVE again, it signs in anew.
const toggled = (status: string): 'ACTIVE' | 'INACTIVE' => (status === 'INACTIVE' ? 'ACTIVE' : 'INACTIVE');
const toggleLabel = (status: string) => (status === 'INACTIVE' ? 'Reactivate' : 'Deactivate');

export function Organization() {
  const [result, refetch] = useQuery({ query: OrganizationPageQuery });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <Stack>
      <Title order={1}>Organization</Title>
      <QueryState fetching={result.fetching} error={result.error} data={result.data} what="organization">
        {(data) => (
          <>
            <Config data={data} />
            <Title order={2}>Currencies</Title>
            {data.currencies.nodes.length === 0 ? <Empty>No currencies defined.</Empty> : null}
            <List>
              {data.currencies.nodes.map((c) => (
                <List.Item key={c.id}>
                  {c.code} — {c.name}, {c.maxDecimalPlaces} decimals, rounding {c.roundingMode}
                </List.Item>
              ))}
            </List>
            <Users data={data} reload={reload} />
            <ServiceUsers data={data} reload={reload} />
            <Title order={2}>Permission policies</Title>
            {data.permissionPolicies.nodes.map((policy) => (
              <Text key={policy.id}>
                <strong>{policy.name}</strong> {policy.managed ? <Badge size="xs">managed</Badge> : null}{' '}
                {policy.statements.map((s) => `${s.effect} ${s.action.join(', ')} on ${s.resource.join(', ')}`).join('; ')}
              </Text>
            ))}
          </>
        )}
      </QueryState>
    </Stack>
  );
}

function Config({ data }: { data: Data }) {
  const config = data.organizationConfig;
  const rows: [string, string][] = [
    ['Timezone', config.timezone],
    ['Currency', config.currency],
    ['Epochs (day / week / month / year)', `${config.dayEpoch} / ${config.weekEpoch} / ${config.monthEpoch} / ${config.yearEpoch}`],
    ['Days before a bill is due', String(config.daysBeforeBillDue)],
    [
      'Currency conversions',
      config.currencyConversions.map((c) => `1 ${c.from} = ${c.multiplier} ${c.to}`).join('; ') || 'none',
    ],
  ];
  return (
    <Card withBorder>
      <Table aria-label="Configuration">
        <Table.Tbody>
          {rows.map(([term, value]) => (
            <Table.Tr key={term}>
              <Table.Th scope="row">{term}</Table.Th>
              <Table.Td>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function Users({ data, reload }: { data: Data; reload: () => void }) {
  const [email, setEmail] = useState('');
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [, invite] = useMutation(InviteUser);
  const [, updateUser] = useMutation(UpdateUser);
  const setStatus = async (user: Data['users']['nodes'][number]) => {
    const r = await updateUser({ input: { id: user.id, version: user.version, status: toggled(user.status) } });
    const problem = describeError(r.error) ?? r.data?.updateUser.userErrors.map((e) => e.message).join('; ');
    setMessage(problem ? { ok: false, text: problem } : null);
    reload();
  };
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const r = await invite({ input: { email: email.trim(), firstName: first.trim(), lastName: last.trim() } });
    const payload = r.data?.inviteUser;
    const problem = describeError(r.error) ?? payload?.userErrors.map((e) => `${e.field.slice(1).join('.')}: ${e.message}`).join('; ');
    if (problem) return setMessage({ ok: false, text: problem });
    setMessage({ ok: true, text: `Invitation token (shown once): ${payload?.invitationToken ?? ''}` });
    reload();
  };
  return (
    <>
      <Title order={2}>Users and invitations</Title>
      {data.users.nodes.length === 0 ? <Empty>No users yet.</Empty> : null}
      <List>
        {data.users.nodes.map((user) => (
          <List.Item key={user.id}>
            {user.firstName} {user.lastName} &lt;{user.email}&gt; · {user.status}
            {user.permissionPolicies.length ? ` · ${user.permissionPolicies.map((p) => p.name).join(', ')}` : ''}{' '}
            <Button size="compact-xs" variant="subtle" onClick={() => setStatus(user)} aria-label={`${toggleLabel(user.status)} ${user.email}`}>
              {toggleLabel(user.status)}
            </Button>
          </List.Item>
        ))}
      </List>
      <form aria-label="Invite a user" onSubmit={submit}>
        <Group align="end">
          <TextInput label="Email of the new user" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <TextInput label="First name" required value={first} onChange={(e) => setFirst(e.currentTarget.value)} />
          <TextInput label="Last name" required value={last} onChange={(e) => setLast(e.currentTarget.value)} />
          <Button type="submit" variant="light">
            Invite
          </Button>
        </Group>
      </form>
      {message ? (
        <Alert color={message.ok ? 'green' : 'red'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </Alert>
      ) : null}
    </>
  );
}

function ServiceUsers({ data, reload }: { data: Data; reload: () => void }) {
  const [secret, setSecret] = useState<{ keyId: string; secret: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [, createKey] = useMutation(CreateAccessKey);
  const [, updateKey] = useMutation(UpdateAccessKey);
  const setKeyStatus = async (key: { id: string; version: number; status: string }) => {
    const r = await updateKey({ input: { id: key.id, version: key.version, status: toggled(key.status) } });
    setProblem(describeError(r.error) ?? (r.data?.updateAccessKey.userErrors.map((e) => e.message).join('; ') || null));
    reload();
  };
  const newKey = async (serviceUserId: string) => {
    const r = await createKey({ serviceUserId });
    const payload = r.data?.createAccessKey;
    const error = describeError(r.error) ?? payload?.userErrors.map((e) => e.message).join('; ');
    setProblem(error || null);
    if (payload?.apiSecret && payload.accessKey) {
      setSecret({ keyId: payload.accessKey.accessKeyId, secret: payload.apiSecret });
      reload();
    }
  };
  return (
    <>
      <Title order={2}>Service users and access keys</Title>
      {secret ? (
        <Alert color="yellow" title="New access key: copy the secret now, it is shown once" role="status">
          <Text>
            Access key id <Code>{secret.keyId}</Code>
          </Text>
          <Text>
            API secret <Code>{secret.secret}</Code>
          </Text>
        </Alert>
      ) : null}
      {problem ? (
        <Alert color="red" role="alert">
          {problem}
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {data.serviceUsers.nodes.map((user) => (
          <Card withBorder key={user.id}>
            <Text fw={600}>{user.name}</Text>
            <Text size="sm" c="dimmed">
              {[user.description, user.permissionPolicies.length ? `Policies: ${user.permissionPolicies.map((p) => p.name).join(', ')}` : '']
                .filter(Boolean)
                .join(' · ')}
            </Text>
            <List size="sm" my="xs">
              {user.accessKeys.nodes.map((key) => (
                <List.Item key={key.id}>
                  <Code>{key.accessKeyId}</Code> {key.status}{' '}
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => setKeyStatus(key)}
                    aria-label={`${toggleLabel(key.status)} key ${key.accessKeyId}`}
                  >
                    {toggleLabel(key.status)}
                  </Button>
                </List.Item>
              ))}
            </List>
            <Button size="xs" variant="light" onClick={() => newKey(user.id)} aria-label={`New access key for ${user.name}`}>
              New access key
            </Button>
          </Card>
        ))}
      </SimpleGrid>
    </>
  );
}
