// The "New product" form as one nested createProduct input (CONTRACT §4): the product, one
// meter with its data fields and an aggregation, a plan template with one plan, and the
// plan's pricing of that aggregation. All or nothing on the API's side.
import type { BandRow, Mode } from '../components/BandEditor';
import { bandsForApi, isCumulative } from '../components/BandEditor';
import type { Category } from './measurement';

export interface FieldRow {
  code: string;
  name: string;
  category: Category;
}

export interface ProductForm {
  name: string;
  code: string;
  meterName: string;
  meterCode: string;
  fields: FieldRow[];
  aggregationName: string;
  aggregationCode: string;
  targetField: string;
  aggregation: 'SUM' | 'MIN' | 'MAX' | 'COUNT' | 'LATEST' | 'MEAN' | 'UNIQUE';
  quantityPerUnit: string;
  rounding: 'UP' | 'DOWN' | 'NEAREST' | 'NONE';
  planName: string;
  planCode: string;
  currency: string;
  billFrequency: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'ANNUALLY';
  standingCharge: string;
  pricingStart: string; // YYYY-MM-DD
  bands: BandRow[];
  mode: Mode;
  tiersSpanPlan: boolean;
}

/** Where the nested input puts each part; userErrors come back under these paths. */
export const PATHS = {
  meter: 'meters.0',
  aggregation: 'meters.0.aggregations.0',
  template: 'planTemplates.0',
  plan: 'planTemplates.0.plans.0',
  pricing: 'planTemplates.0.plans.0.pricings.0',
};

export function createProductInput(form: ProductForm) {
  return {
    code: form.code.trim(),
    name: form.name.trim(),
    meters: [
      {
        code: form.meterCode.trim(),
        name: form.meterName.trim(),
        dataFields: form.fields.map((field) => ({
          code: field.code.trim(),
          name: field.name.trim() || field.code.trim(),
          category: field.category,
        })),
        aggregations: [
          {
            code: form.aggregationCode.trim(),
            name: form.aggregationName.trim(),
            targetField: form.targetField.trim(),
            aggregation: form.aggregation,
            quantityPerUnit: form.quantityPerUnit.trim() || '1',
            rounding: form.rounding,
          },
        ],
      },
    ],
    planTemplates: [
      {
        // One template per plan made here: the template carries currency and frequency.
        code: `${form.planCode.trim()}_template`,
        name: `${form.planName.trim()} template`,
        currency: form.currency.trim(),
        billFrequency: form.billFrequency,
        standingCharge: form.standingCharge.trim() || '0',
        plans: [
          {
            code: form.planCode.trim(),
            name: form.planName.trim(),
            pricings: [
              {
                startDate: `${form.pricingStart.trim()}T00:00:00Z`,
                aggregationCode: form.aggregationCode.trim(),
                cumulative: isCumulative(form.mode),
                tiersSpanPlan: form.tiersSpanPlan,
                pricingBands: bandsForApi(form.bands),
              },
            ],
          },
        ],
      },
    ],
  };
}
