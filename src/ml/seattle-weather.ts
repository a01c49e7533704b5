/**
 * Features for the bundled Seattle weather dataset (data/bundled.ts: seattle-weather.csv, one row per day of
 * 2012–2015: date, precipitation, temp_max, temp_min, wind, weather), used by the examples, the demo and tests.
 *
 * The class to predict is `weather` (drizzle, fog, rain, snow, sun). The features are the four measurements plus the
 * season as a point on the unit circle (sine and cosine of the day of the year), so December and January are near.
 */
import { invalidArgument } from '../core/errors.js';
import type { TrainingData } from './training-data.js';

export interface WeatherDay {
  /** ISO date, YYYY-MM-DD. */
  date: string;
  precipitation: number;
  temp_max: number;
  temp_min: number;
  wind: number;
  weather: string;
}

export const WEATHER_FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind', 'season_sin', 'season_cos'] as const;

const COLUMNS = ['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'] as const;

/** Parses the CSV text (header line first); every line must have the six columns with numbers where numbers go. */
export function parseSeattleWeatherCsv(text: string): WeatherDay[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0]?.split(',').map((name) => name.trim());
  if (header?.join(',') !== COLUMNS.join(','))
    throw invalidArgument(
      `seattle weather CSV: expected the header ${COLUMNS.join(',')}, got ${lines[0] ?? '(nothing)'}`,
    );
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== COLUMNS.length)
      throw invalidArgument(
        `seattle weather CSV line ${i + 2}: expected ${COLUMNS.length} values, got ${cells.length}`,
      );
    const number = (column: number): number => {
      const value = Number(cells[column]);
      if (cells[column]!.trim() === '' || !Number.isFinite(value))
        throw invalidArgument(
          `seattle weather CSV line ${i + 2}: ${COLUMNS[column]} '${cells[column]}' is not a number`,
        );
      return value;
    };
    return {
      date: cells[0]!,
      precipitation: number(1),
      temp_max: number(2),
      temp_min: number(3),
      wind: number(4),
      weather: cells[5]!.trim(),
    };
  });
}

/** The feature row of one day, in WEATHER_FEATURES order. */
export function weatherFeatures(day: Omit<WeatherDay, 'weather'>): number[] {
  const angle = (2 * Math.PI * (dayOfYear(day.date) - 1)) / 365.25;
  return [day.precipitation, day.temp_max, day.temp_min, day.wind, Math.sin(angle), Math.cos(angle)];
}

/** Training data (features + `weather` labels) from days. */
export function weatherTrainingData(days: readonly WeatherDay[]): TrainingData {
  return {
    features: days.map(weatherFeatures),
    featureNames: WEATHER_FEATURES,
    labels: days.map((day) => day.weather),
  };
}

function dayOfYear(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!match) throw invalidArgument(`seattle weather: date '${date}' is not YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  if (Number.isNaN(time)) throw invalidArgument(`seattle weather: date '${date}' is not a valid date`);
  return Math.round((time - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
}
