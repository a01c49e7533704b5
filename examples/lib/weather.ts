// Plain helpers for the example components: the Seattle weather CSV and a small logistic regression that
// predicts rain from the day's measurements. No DSL here; the components in ../components.ts call these.

/** One day of seattle-weather.csv (date,precipitation,temp_max,temp_min,wind,weather). */
export interface WeatherDay {
  date: string;
  precipitation: number;
  tempMax: number;
  tempMin: number;
  wind: number;
  weather: string;
}

export const FEATURES = ['precipitation', 'tempMax', 'tempMin', 'wind'] as const;

/** Parses the CSV; rows with a missing or non-numeric measurement are counted in `dropped`, not returned. */
export function parseWeatherCsv(text: string): { days: WeatherDay[]; dropped: number } {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  if (header !== 'date,precipitation,temp_max,temp_min,wind,weather') {
    throw new Error(`not the Seattle weather CSV: header is ${JSON.stringify(header)}`);
  }
  const days: WeatherDay[] = [];
  let dropped = 0;
  for (const line of lines) {
    const [date = '', p = '', hi = '', lo = '', w = '', weather = ''] = line.split(',');
    const numbers = [p, hi, lo, w].map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
    if (!date || !weather || numbers.some((n) => !Number.isFinite(n))) {
      dropped++;
      continue;
    }
    const [precipitation, tempMax, tempMin, wind] = numbers as [number, number, number, number];
    days.push({ date, precipitation, tempMax, tempMin, wind, weather });
  }
  return { days, dropped };
}

export function toWeatherCsv(days: readonly WeatherDay[]): string {
  const lines = days.map((d) => [d.date, d.precipitation, d.tempMax, d.tempMin, d.wind, d.weather].join(','));
  return `date,precipitation,temp_max,temp_min,wind,weather\n${lines.join('\n')}\n`;
}

export interface RainModel {
  kind: 'osprey-example.rain-logistic/v1';
  features: string[];
  means: number[];
  stds: number[];
  weights: number[];
  bias: number;
}

const label = (day: WeatherDay) => (day.weather === 'rain' ? 1 : 0);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Full-batch gradient descent on standardised features: deterministic for the same data and settings. */
export function trainRainModel(days: readonly WeatherDay[], learningRate: number, epochs: number): RainModel {
  const columns = FEATURES.map((f) => days.map((d) => d[f]));
  const means = columns.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
  const stds = columns.map((c, i) => Math.sqrt(c.reduce((a, b) => a + (b - means[i]!) ** 2, 0) / c.length) || 1);
  const x = days.map((d) => FEATURES.map((f, i) => (d[f] - means[i]!) / stds[i]!));
  const weights = FEATURES.map(() => 0);
  let bias = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const grad = weights.map(() => 0);
    let gradBias = 0;
    x.forEach((row, r) => {
      const error = sigmoid(row.reduce((s, v, i) => s + v * weights[i]!, bias)) - label(days[r]!);
      row.forEach((v, i) => {
        grad[i]! += error * v;
      });
      gradBias += error;
    });
    weights.forEach((_, i) => {
      weights[i]! -= (learningRate * grad[i]!) / x.length;
    });
    bias -= (learningRate * gradBias) / x.length;
  }
  return { kind: 'osprey-example.rain-logistic/v1', features: [...FEATURES], means, stds, weights, bias };
}

/** Accuracy and mean log loss on `days`. */
export function evaluateRainModel(
  model: RainModel,
  days: readonly WeatherDay[],
): { accuracy: number; logLoss: number } {
  let correct = 0;
  let loss = 0;
  for (const day of days) {
    const z = FEATURES.reduce(
      (s, f, i) => s + ((day[f] - model.means[i]!) / model.stds[i]!) * model.weights[i]!,
      model.bias,
    );
    const p = Math.min(Math.max(sigmoid(z), 1e-12), 1 - 1e-12);
    correct += (p >= 0.5 ? 1 : 0) === label(day) ? 1 : 0;
    loss -= label(day) ? Math.log(p) : Math.log(1 - p);
  }
  return { accuracy: correct / days.length, logLoss: loss / days.length };
}

/** The first 80 % of days for training, the last 20 % (the most recent) for evaluation. */
export function splitByTime(days: readonly WeatherDay[]): { train: WeatherDay[]; test: WeatherDay[] } {
  const cut = Math.floor(days.length * 0.8);
  return { train: days.slice(0, cut), test: days.slice(cut) };
}
