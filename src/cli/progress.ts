/**
 * Progress for long work: a redrawn bar on a terminal, plain lines otherwise (one when a phase starts, one when it
 * ends), always on stderr so `--json` output on stdout stays clean.
 */
export interface Progress {
  update(done: number, total: number): void;
  done(summary?: string): void;
}

export function progress(label: string, options: { unit?: 'bytes' | 'items'; quiet?: boolean } = {}): Progress {
  const stream = process.stderr;
  const started = Date.now();
  const unit = options.unit ?? 'items';
  if (options.quiet) return { update() {}, done() {} };
  if (!stream.isTTY) {
    let announced = false;
    return {
      update(_done, total) {
        if (announced) return;
        announced = true;
        stream.write(`${label}${unit === 'bytes' ? ` (${formatBytes(total)})` : ''}…\n`);
      },
      done(summary) {
        stream.write(`${label}: done in ${seconds(started)}${summary ? ` (${summary})` : ''}\n`);
      },
    };
  }
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 80 && done < total) return;
      last = now;
      const width = 30;
      const share = total > 0 ? Math.min(1, done / total) : 1;
      const bar = '█'.repeat(Math.round(share * width)).padEnd(width, '░');
      const amount = unit === 'bytes' ? `${formatBytes(done)}/${formatBytes(total)}` : `${done}/${total}`;
      stream.write(`\r${label} ${bar} ${(share * 100).toFixed(0).padStart(3)}% ${amount}\x1b[K`);
    },
    done(summary) {
      stream.write(`\r${label}: done in ${seconds(started)}${summary ? ` (${summary})` : ''}\x1b[K\n`);
    },
  };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return i === 0 ? `${n} B` : `${value.toFixed(1)} ${units[i]}`;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
