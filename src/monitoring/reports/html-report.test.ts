import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeDrift, tableFromColumns } from '../drift/index.js';
import { seededRandom } from '../drift/test-support/random.js';
import { driftReportHtml, driftReportJson } from './index.js';

const rng = seededRandom(11);

async function sample() {
  return computeDrift(
    tableFromColumns({
      temperature: rng.normals(400, 10, 3),
      'wind <speed> & "gusts"': rng.normals(400, 3),
      weather: rng.categories(400, ['sun', 'rain', 'fog'], [5, 3, 1]),
      empty: Array(400).fill(null),
    }),
    tableFromColumns({
      temperature: rng.normals(300, 20, 3),
      'wind <speed> & "gusts"': rng.normals(300, 3),
      weather: rng.categories(300, ['sun', 'rain', 'snow'], [1, 5, 2]),
      empty: Array(300).fill(null),
    }),
  );
}

describe('drift reports', () => {
  it('HTML is self-contained: no external URL in any src or href, no scripts, one SVG per column', async () => {
    const result = await sample();
    const html = driftReportHtml(result);
    assert.doesNotMatch(html, /\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    assert.doesNotMatch(html, /https?:/i, 'no URL at all, not even an SVG namespace');
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(/i);
    const sections = html.split('<section class="feature"').slice(1);
    assert.equal(sections.length, result.report.features.length);
    for (const section of sections) assert.equal(section.match(/<svg /g)?.length, 1);
    assert.equal((html.match(/<rect /g) ?? []).length > 0, true);
  });

  it('shows the test, statistic, p-value, effect size and verdict per column, and the dataset summary', async () => {
    const result = await sample();
    const html = driftReportHtml(result);
    assert.match(html, /<span class="verdict drift">dataset drift<\/span> 2 of 4 columns drifted/);
    assert.match(html, /<td>temperature<\/a>|>temperature<\/a><\/td><td>numerical<\/td><td>ks<\/td>/);
    for (const label of ['method', 'statistic', 'p-value', 'effect size', 'missing']) {
      assert.match(html, new RegExp(`<dt>${label}</dt>`));
    }
    assert.match(html, /new in current: &quot;snow&quot;/);
    assert.match(html, /wind &lt;speed&gt; &amp; &quot;gusts&quot;/, 'column names are escaped');
    assert.doesNotMatch(html, /wind <speed>/);
    assert.match(html, /no values to draw/);
  });

  it('JSON keeps the issue’s shape', async () => {
    const { report } = await sample();
    const parsed = JSON.parse(driftReportJson(report)) as Record<string, unknown> & { features: object[] };
    assert.equal(typeof parsed.dataset_drift, 'boolean');
    assert.equal(typeof parsed.drift_share, 'number');
    for (const f of parsed.features) {
      for (const key of [
        'name',
        'type',
        'method',
        'statistic',
        'p_value',
        'effect_size',
        'drifted',
        'n_reference',
        'n_current',
        'missing_reference',
        'missing_current',
        'note',
      ]) {
        assert.ok(key in f, key);
      }
    }
  });
});
