// Data validation before training: the built-in validateData step checks the Seattle weather data against
// expectations; under 'quarantine' (the default here) offending days are set aside and the rest are prepared,
// under 'fail' any violation stops the run with a report naming each violated expectation.
import { validateData } from '../src/pipelines/components/index.js';
import { Dataset, pipeline } from '../src/pipelines/dsl/index.js';
import { prepare } from './components.js';

export const WEATHER_EXPECTATIONS = {
  rowCount: { min: 1000, max: 2000 },
  columns: {
    date: { type: 'date', maxNullShare: 0 },
    precipitation: { type: 'number', min: 0, max: 60, maxNullShare: 0 },
    temp_max: { type: 'number', min: -20, max: 45 },
    temp_min: { type: 'number', min: -20, max: 45 },
    wind: { type: 'number', min: 0, max: 20, maxNullShare: 0 },
    weather: { type: 'string', allowed: ['drizzle', 'rain', 'sun', 'snow', 'fog'], maxNullShare: 0 },
  },
};

export default pipeline(
  { name: 'validate-weather', params: { data: Dataset, policy: { type: 'string', default: 'quarantine' } } },
  ({ data, policy }) => {
    const checked = validateData({ data, expectations: WEATHER_EXPECTATIONS, policy });
    const prepared = prepare({ raw: checked.outputs.valid, minRows: 1000 });
    return { rows: prepared.outputs.rows, violations: checked.outputs.violations };
  },
);
