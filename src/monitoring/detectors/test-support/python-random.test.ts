import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PythonRandom } from './python-random.js';

// Values printed by CPython 3.11: random.Random(seed).random() / .choices(...).
describe('PythonRandom replays CPython random.Random', () => {
  it('gives the same doubles for small and multi-word seeds', () => {
    const r = new PythonRandom(42);
    assert.equal(r.random(), 0.6394267984578837);
    assert.equal(r.random(), 0.025010755222666936);
    assert.equal(new PythonRandom(2 ** 40 + 5).random(), 0.5043802970418443);
  });

  it('gives the same choices, with and without weights', () => {
    assert.equal(new PythonRandom(12345).choices([0, 1], 20).join(''), '00100010001010101010');
    const w = new PythonRandom(42);
    w.choices([0, 1], 1000);
    assert.equal(w.weightedChoices([0, 1], [0.3, 0.7], 20).join(''), '01111100111110100101');
  });
});
