// Create an account and attach a plan in one createAccount mutation.
import { Alert, Button, Fieldset, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { PlanSelect } from '../components/PlanSelect';
import { ErrorState } from '../components/States';
import { graphql } from '../gql';
import { CALENDAR_DATE_HINT, isCalendarDate } from '../lib/dates';
import { errorsByPath } from '../lib/errors';

const CreateAccount = graphql(`
  mutation CreateAccount($input: CreateAccountInput!) {
    createAccount(input: $input) {
      account { id }
      userErrors { field code message }
    }
  }
`);

export function NewAccount() {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [planId, setPlanId] = useState('');
  const [start, setStart] = useState(`${new Date().getUTCFullYear()}-01-01`);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, create] = useMutation(CreateAccount);
  const navigate = useNavigate();

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (planId && !isCalendarDate(start)) {
      setErrors({ 'accountPlans.0.startDate': CALENDAR_DATE_HINT });
      return;
    }
    const accountPlans = planId ? [{ planId, startDate: `${start.trim()}T00:00:00Z` }] : [];
    const outcome = await create({
      input: { code: code.trim(), name: name.trim(), emailAddress: email.trim(), accountPlans },
    });
    const payload = outcome.data?.createAccount;
    setErrors(errorsByPath(payload?.userErrors));
    if (payload?.account) navigate(`/accounts/${payload.account.id}`);
  };
  const known = new Set(['code', 'name', 'emailAddress', 'accountPlans.0.planId', 'accountPlans.0.startDate']);
  const other = Object.entries(errors).filter(([path]) => !known.has(path));

  return (
    <form aria-label="New account" onSubmit={submit}>
      <Stack>
        <Title order={1}>New account</Title>
        <ErrorState error={result.error} />
        {other.length ? (
          <Alert color="red" role="alert">
            {other.map(([path, message]) => `${path || 'input'}: ${message}`).join('; ')}
          </Alert>
        ) : null}
        <Fieldset legend="Account">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label="Account code" required value={code} error={errors.code} onChange={(e) => setCode(e.currentTarget.value)} />
            <TextInput label="Account name" required value={name} error={errors.name} onChange={(e) => setName(e.currentTarget.value)} />
            <TextInput
              label="Email address"
              type="email"
              required
              value={email}
              error={errors.emailAddress}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Plan (optional)">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <PlanSelect label="Plan" value={planId} onChange={setPlanId} error={errors['accountPlans.0.planId']} />
            <TextInput
              label="Plan start date"
              description="YYYY-MM-DD"
              value={start}
              error={errors['accountPlans.0.startDate']}
              onChange={(e) => setStart(e.currentTarget.value)}
            />
          </SimpleGrid>
        </Fieldset>
        <Button type="submit" w="fit-content" loading={result.fetching}>
          Create account
        </Button>
      </Stack>
    </form>
  );
}
