import { fireEvent, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { Operation } from 'urql';
import { renderWith, stubClient } from '../test/render';
import { BandEditor, type BandSettings } from './BandEditor';

const START: BandSettings = {
  bands: [
    { lowerLimit: '0', unitPrice: '0.50', fixedPrice: '' },
    { lowerLimit: '100', unitPrice: '0.25', fixedPrice: '' },
  ],
  mode: 'TIERED',
  tiersSpanPlan: false,
};

function Harness(props: { errors?: Record<string, string>; onValue?: (value: BandSettings) => void }) {
  const [value, setValue] = useState(START);
  const [units, setUnits] = useState('150');
  return (
    <BandEditor
      value={value}
      onChange={(next) => {
        setValue(next);
        props.onValue?.(next);
      }}
      errors={props.errors}
      units={units}
      onUnitsChange={setUnits}
    />
  );
}

const CHARGE = {
  units: '150',
  subtotal: '62.50',
  averageUnitPrice: '0.4166666666666666666666666666666666666666666666666667',
  bands: [
    { lowerLimit: '0', unitPrice: '0.50', fixedPrice: '0', bandUnits: '100', bandSubtotal: '50.00' },
    { lowerLimit: '100', unitPrice: '0.25', fixedPrice: '0', bandUnits: '50', bandSubtotal: '12.50' },
  ],
};

describe('BandEditor', () => {
  it('shows the price the API computed, and sends the bands as typed', async () => {
    const seen: Operation[] = [];
    renderWith(<Harness />, stubClient(() => ({ pricingPreview: { charge: CHARGE, userErrors: [] } }), seen));
    expect(await screen.findByText('62.50')).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'Preview' })).toHaveTextContent('150 units cost 62.50');
    expect(screen.getByRole('table', { name: 'Preview by band' })).toHaveTextContent('12.50');
    const input = (seen.at(-1)!.variables as { input: unknown }).input;
    expect(input).toEqual({
      pricingBands: [
        { lowerLimit: '0', unitPrice: '0.50', fixedPrice: '0' },
        { lowerLimit: '100', unitPrice: '0.25', fixedPrice: '0' },
      ],
      cumulative: true,
      units: '150',
    });
  });

  it("puts the preview's userErrors on the cells they name", async () => {
    const userErrors = [
      { field: ['input', 'pricingBands', '1', 'lowerLimit'], code: 'INVALID', message: 'must be greater than the previous' },
    ];
    renderWith(<Harness />, stubClient(() => ({ pricingPreview: { charge: null, userErrors } })));
    const cell = screen.getByRole('textbox', { name: 'Band 2 lower limit' });
    await waitFor(() => expect(cell).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByText('must be greater than the previous')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Band 1 lower limit' })).not.toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('status', { name: 'Preview' })).toHaveTextContent('Fix the highlighted cells');
  });

  it("shows a save's userErrors on the cells too", () => {
    renderWith(
      <Harness errors={{ 'pricingBands.0.unitPrice': 'unitPrice must be a finite decimal' }} />,
      stubClient(() => ({ pricingPreview: { charge: CHARGE, userErrors: [] } })),
    );
    expect(screen.getByRole('textbox', { name: 'Band 1 unit price' })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('unitPrice must be a finite decimal')).toBeInTheDocument();
  });

  it('adds and removes bands; stairstep zeroes and locks unit prices', () => {
    let last = START;
    renderWith(
      <Harness onValue={(value) => (last = value)} />,
      stubClient(() => ({ pricingPreview: { charge: CHARGE, userErrors: [] } })),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Add band' }));
    expect(screen.getByRole('textbox', { name: 'Band 3 lower limit' })).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Remove band 3' }));
    expect(screen.queryByRole('textbox', { name: 'Band 3 lower limit' })).toBeNull();
    fireEvent.change(screen.getByRole('combobox', { name: 'Pricing type' }), { target: { value: 'STAIRSTEP' } });
    expect(last.bands.map((band) => band.unitPrice)).toEqual(['0', '0']);
    expect(screen.getByRole('textbox', { name: 'Band 1 unit price' })).toBeDisabled();
  });
});
