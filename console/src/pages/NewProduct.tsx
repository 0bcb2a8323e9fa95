// Create a product with a meter, an aggregation, a plan and its pricing in one mutation.
import { ActionIcon, Alert, Button, Fieldset, Group, List, NativeSelect, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { BandEditor } from '../components/BandEditor';
import { ErrorState } from '../components/States';
import { graphql } from '../gql';
import { errorsByPath } from '../lib/errors';
import type { Category } from '../lib/measurement';
import { PATHS, createProductInput, type ProductForm } from '../lib/productInput';

const CreateProduct = graphql(`
  mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      product { id }
      userErrors { field code message }
    }
  }
`);

const CATEGORIES: Category[] = ['MEASURE', 'WHO', 'WHAT', 'WHERE', 'OTHER', 'METADATA', 'INCOME', 'COST'];

function firstOfYear(): string {
  return `${new Date().getUTCFullYear()}-01-01`;
}

const INITIAL: ProductForm = {
  name: '',
  code: '',
  meterName: '',
  meterCode: '',
  fields: [{ code: '', name: '', category: 'MEASURE' }],
  aggregationName: '',
  aggregationCode: '',
  targetField: '',
  aggregation: 'SUM',
  quantityPerUnit: '1',
  rounding: 'UP',
  planName: '',
  planCode: '',
  currency: 'USD',
  billFrequency: 'MONTHLY',
  standingCharge: '0',
  pricingStart: firstOfYear(),
  bands: [{ lowerLimit: '0', unitPrice: '', fixedPrice: '' }],
  mode: 'TIERED',
  tiersSpanPlan: false,
};

export function NewProduct() {
  const [form, setForm] = useState<ProductForm>(INITIAL);
  const [units, setUnits] = useState('100');
  const [result, create] = useMutation(CreateProduct);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const navigate = useNavigate();
  const set = (patch: Partial<ProductForm>) => setForm((current) => ({ ...current, ...patch }));
  const text = (key: keyof ProductForm, label: string, path: string, required = true) => (
    <TextInput
      label={label}
      required={required}
      value={form[key] as string}
      error={errors[path]}
      onChange={(event) => set({ [key]: event.currentTarget.value } as Partial<ProductForm>)}
    />
  );
  const setField = (index: number, patch: Partial<ProductForm['fields'][number]>) =>
    set({ fields: form.fields.map((field, i) => (i === index ? { ...field, ...patch } : field)) });

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const outcome = await create({ input: createProductInput(form) });
    const payload = outcome.data?.createProduct;
    setErrors(errorsByPath(payload?.userErrors));
    if (payload?.product) navigate(`/products/${payload.product.id}`);
  };
  const unplaced = Object.entries(errors).filter(([path]) => !KNOWN.has(path) && !path.includes('pricingBands.') && !path.includes('.dataFields.'));

  return (
    <form onSubmit={submit} aria-label="New product">
      <Stack>
        <Title order={1}>New product</Title>
        <ErrorState error={result.error} />
        {unplaced.length ? (
          <Alert color="red" role="alert" title="The product was not created">
            <List size="sm">
              {unplaced.map(([path, message]) => (
                <List.Item key={path}>
                  {path || 'input'}: {message}
                </List.Item>
              ))}
            </List>
          </Alert>
        ) : null}
        <Fieldset legend="Product">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {text('name', 'Product name', 'name')}
            {text('code', 'Product code', 'code')}
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Meter">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {text('meterName', 'Meter name', `${PATHS.meter}.name`)}
            {text('meterCode', 'Meter code', `${PATHS.meter}.code`)}
          </SimpleGrid>
          {form.fields.map((field, index) => (
            <Group key={index} align="end" mt="xs" wrap="wrap">
              <TextInput
                label={`Data field ${index + 1} code`}
                required
                value={field.code}
                error={errors[`${PATHS.meter}.dataFields.${index}.code`]}
                onChange={(e) => setField(index, { code: e.currentTarget.value })}
              />
              <TextInput
                label={`Data field ${index + 1} name`}
                value={field.name}
                error={errors[`${PATHS.meter}.dataFields.${index}.name`]}
                onChange={(e) => setField(index, { name: e.currentTarget.value })}
              />
              <NativeSelect
                label={`Data field ${index + 1} category`}
                value={field.category}
                data={CATEGORIES}
                onChange={(e) => setField(index, { category: e.currentTarget.value as Category })}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                mb={4}
                aria-label={`Remove data field ${index + 1}`}
                disabled={form.fields.length === 1}
                onClick={() => set({ fields: form.fields.filter((_, i) => i !== index) })}
              >
                ✕
              </ActionIcon>
            </Group>
          ))}
          <Button variant="light" mt="sm" onClick={() => set({ fields: [...form.fields, { code: '', name: '', category: 'WHO' }] })}>
            Add data field
          </Button>
        </Fieldset>
        <Fieldset legend="Aggregation">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {text('aggregationName', 'Aggregation name', `${PATHS.aggregation}.name`)}
            {text('aggregationCode', 'Aggregation code', `${PATHS.aggregation}.code`)}
            {text('targetField', 'Target field', `${PATHS.aggregation}.targetField`)}
            <NativeSelect
              label="Aggregation function"
              value={form.aggregation}
              data={['SUM', 'MIN', 'MAX', 'COUNT', 'LATEST', 'MEAN', 'UNIQUE']}
              onChange={(e) => set({ aggregation: e.currentTarget.value as ProductForm['aggregation'] })}
            />
            {text('quantityPerUnit', 'Quantity per unit', `${PATHS.aggregation}.quantityPerUnit`)}
            <NativeSelect
              label="Rounding"
              value={form.rounding}
              data={['UP', 'DOWN', 'NEAREST', 'NONE']}
              onChange={(e) => set({ rounding: e.currentTarget.value as ProductForm['rounding'] })}
            />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Plan">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {text('planName', 'Plan name', `${PATHS.plan}.name`)}
            {text('planCode', 'Plan code', `${PATHS.plan}.code`)}
            {text('currency', 'Currency', `${PATHS.template}.currency`)}
            <NativeSelect
              label="Plan bill frequency"
              value={form.billFrequency}
              data={['MONTHLY', 'WEEKLY', 'DAILY', 'ANNUALLY']}
              onChange={(e) => set({ billFrequency: e.currentTarget.value as ProductForm['billFrequency'] })}
            />
            {text('standingCharge', 'Standing charge', `${PATHS.template}.standingCharge`)}
            {text('pricingStart', 'Pricing start date', `${PATHS.pricing}.startDate`)}
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Pricing of the aggregation">
          <BandEditor
            value={{ bands: form.bands, mode: form.mode, tiersSpanPlan: form.tiersSpanPlan }}
            onChange={(value) => set(value)}
            errors={errors}
            errorPrefix={`${PATHS.pricing}.pricingBands`}
            units={units}
            onUnitsChange={setUnits}
          />
        </Fieldset>
        <Group>
          <Button type="submit" loading={result.fetching}>
            Create product
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

const KNOWN = new Set([
  'name',
  'code',
  `${PATHS.meter}.name`,
  `${PATHS.meter}.code`,
  `${PATHS.aggregation}.name`,
  `${PATHS.aggregation}.code`,
  `${PATHS.aggregation}.targetField`,
  `${PATHS.aggregation}.quantityPerUnit`,
  `${PATHS.plan}.name`,
  `${PATHS.plan}.code`,
  `${PATHS.template}.currency`,
  `${PATHS.template}.standingCharge`,
  `${PATHS.pricing}.startDate`,
]);
