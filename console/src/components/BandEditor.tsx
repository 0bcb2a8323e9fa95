// Editing a pricing's bands, with a live "what would N units cost" preview computed by the
// API (pricingPreview runs the band function bill runs use; no arithmetic happens here).
import { ActionIcon, Button, Checkbox, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { errorsByPath } from '../lib/errors';
import { ErrorState } from './States';

export interface BandRow {
  lowerLimit: string;
  unitPrice: string;
  fixedPrice: string;
}

export type Mode = 'TIERED' | 'VOLUME' | 'STAIRSTEP';

export interface BandSettings {
  bands: BandRow[];
  mode: Mode;
  tiersSpanPlan: boolean;
}

export const PricingPreviewQuery = graphql(`
  query PricingPreview($input: PricingPreviewInput!) {
    pricingPreview(input: $input) {
      charge {
        units
        subtotal
        averageUnitPrice
        bands { lowerLimit unitPrice fixedPrice bandUnits bandSubtotal }
      }
      userErrors { field code message }
    }
  }
`);

/** cumulative as the API stores it: tiered is cumulative; volume and stairstep are not. */
export function isCumulative(mode: Mode): boolean {
  return mode === 'TIERED';
}

export function modeOf(cumulative: boolean, bands: readonly BandRow[]): Mode {
  if (cumulative) return 'TIERED';
  return bands.length > 0 && bands.every((band) => Number(band.unitPrice) === 0) ? 'STAIRSTEP' : 'VOLUME';
}

export function bandsForApi(bands: readonly BandRow[]) {
  return bands.map((band) => ({
    lowerLimit: band.lowerLimit,
    unitPrice: band.unitPrice,
    fixedPrice: band.fixedPrice === '' ? '0' : band.fixedPrice,
  }));
}

const CELLS: { key: keyof BandRow; label: string }[] = [
  { key: 'lowerLimit', label: 'lower limit' },
  { key: 'unitPrice', label: 'unit price' },
  { key: 'fixedPrice', label: 'fixed price' },
];

export function BandEditor(props: {
  value: BandSettings;
  onChange: (value: BandSettings) => void;
  /** userErrors of a save, keyed by path below the pricing input (e.g. "pricingBands.1.unitPrice"). */
  errors?: Record<string, string>;
  errorPrefix?: string;
  units: string;
  onUnitsChange: (units: string) => void;
}) {
  const { value, onChange } = props;
  const setBand = (index: number, key: keyof BandRow, text: string) =>
    onChange({ ...value, bands: value.bands.map((band, i) => (i === index ? { ...band, [key]: text } : band)) });
  const addBand = () => onChange({ ...value, bands: [...value.bands, { lowerLimit: '', unitPrice: '0', fixedPrice: '' }] });
  const removeBand = (index: number) => onChange({ ...value, bands: value.bands.filter((_, i) => i !== index) });
  const stairstep = value.mode === 'STAIRSTEP';

  // Units of earlier periods of the account plan: only meaningful when tiers span the plan.
  const [previousUnits, setPreviousUnits] = useState('');
  const [debounced] = useDebouncedValue({ value, units: props.units, previousUnits }, 250);
  const spans = debounced.value.tiersSpanPlan && debounced.previousUnits.trim() !== '';
  const input = {
    pricingBands: bandsForApi(debounced.value.bands),
    cumulative: isCumulative(debounced.value.mode),
    units: debounced.units,
    ...(spans ? { previousUnits: debounced.previousUnits } : {}),
  };
  const [preview] = useQuery({ query: PricingPreviewQuery, variables: { input }, pause: !debounced.units.trim() });
  const payload = preview.data?.pricingPreview;
  const previewErrors = errorsByPath(payload?.userErrors);
  const prefix = props.errorPrefix ?? 'pricingBands';
  const cellError = (index: number, key: string) =>
    props.errors?.[`${prefix}.${index}.${key}`] ?? previewErrors[`pricingBands.${index}.${key}`];

  return (
    <Stack gap="sm">
      <Group align="end">
        <NativeSelect
          label="Pricing type"
          value={value.mode}
          data={[
            { value: 'TIERED', label: 'Tiered (each band prices its own units)' },
            { value: 'VOLUME', label: 'Volume (all units at one band’s price)' },
            { value: 'STAIRSTEP', label: 'Stairstep (one fixed price per band)' },
          ]}
          onChange={(event) => {
            const mode = event.currentTarget.value as Mode;
            const bands = mode === 'STAIRSTEP' ? value.bands.map((band) => ({ ...band, unitPrice: '0' })) : value.bands;
            onChange({ ...value, mode, bands });
          }}
        />
        <Checkbox
          label="Tiers span the plan (count earlier periods' units)"
          checked={value.tiersSpanPlan}
          onChange={(event) => onChange({ ...value, tiersSpanPlan: event.currentTarget.checked })}
        />
      </Group>
      <Table aria-label="Pricing bands" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Band</Table.Th>
            <Table.Th>Lower limit (units)</Table.Th>
            <Table.Th>Unit price</Table.Th>
            <Table.Th>Fixed price</Table.Th>
            <Table.Th>
              <span className="visually-hidden">Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {value.bands.map((band, index) => (
            <Table.Tr key={index}>
              <Table.Td>{index + 1}</Table.Td>
              {CELLS.map((cell) => (
                <Table.Td key={cell.key}>
                  <TextInput
                    aria-label={`Band ${index + 1} ${cell.label}`}
                    inputMode="decimal"
                    value={band[cell.key]}
                    disabled={stairstep && cell.key === 'unitPrice'}
                    placeholder={cell.key === 'fixedPrice' ? '0' : undefined}
                    error={cellError(index, cell.key)}
                    onChange={(event) => setBand(index, cell.key, event.currentTarget.value)}
                  />
                </Table.Td>
              ))}
              <Table.Td>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove band ${index + 1}`}
                  onClick={() => removeBand(index)}
                  disabled={value.bands.length === 1}
                >
                  ✕
                </ActionIcon>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {props.errors?.[prefix] || previewErrors.pricingBands ? (
        <Text c="red" size="sm">
          {props.errors?.[prefix] ?? previewErrors.pricingBands}
        </Text>
      ) : null}
      <Group>
        <Button variant="light" onClick={addBand}>
          Add band
        </Button>
      </Group>
      <Title order={4}>What would it cost?</Title>
      <Group align="end">
        <TextInput
          label="Preview units"
          inputMode="decimal"
          value={props.units}
          error={previewErrors.units}
          onChange={(event) => props.onUnitsChange(event.currentTarget.value)}
        />
        {value.tiersSpanPlan ? (
          <TextInput
            label="Units of earlier periods"
            inputMode="decimal"
            placeholder="0"
            value={previousUnits}
            error={previewErrors.previousUnits}
            onChange={(event) => setPreviousUnits(event.currentTarget.value)}
          />
        ) : null}
        <div role="status" aria-label="Preview" aria-live="polite">
          {preview.error ? (
            <ErrorState error={preview.error} />
          ) : payload?.charge ? (
            <Text>
              {payload.charge.units} units cost <strong data-testid="preview-subtotal">{payload.charge.subtotal}</strong>{' '}
              (average {shorten(payload.charge.averageUnitPrice)} per unit; rounded on the bill)
            </Text>
          ) : payload ? (
            <Text c="dimmed">Fix the highlighted cells to see a price.</Text>
          ) : (
            <Text c="dimmed">Enter a number of units.</Text>
          )}
        </div>
      </Group>
      {payload?.charge && payload.charge.bands.length > 0 ? (
        <Table aria-label="Preview by band" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>From (units)</Table.Th>
              <Table.Th>Units in band</Table.Th>
              <Table.Th>Unit price</Table.Th>
              <Table.Th>Fixed price</Table.Th>
              <Table.Th>Band subtotal</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {payload.charge.bands.map((band, index) => (
              <Table.Tr key={index}>
                <Table.Td>{band.lowerLimit}</Table.Td>
                <Table.Td>{band.bandUnits}</Table.Td>
                <Table.Td>{band.unitPrice}</Table.Td>
                <Table.Td>{band.fixedPrice}</Table.Td>
                <Table.Td>{band.bandSubtotal}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Stack>
  );
}

/** An exact decimal cut for display (50-digit averages do not fit a sentence). */
function shorten(decimal: string): string {
  const [whole, fraction = ''] = decimal.split('.');
  return fraction.length > 6 ? `${whole}.${fraction.slice(0, 6)}…` : decimal;
}
