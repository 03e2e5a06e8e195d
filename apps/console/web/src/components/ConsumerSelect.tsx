import type { ConsumerInfo } from '../types.js';

/** The consumer apps a replay can go to (those with a replay durable), as a labelled select. */
export function ConsumerSelect({ targets, chosen, onChange }: { targets: ConsumerInfo[]; chosen: string; onChange: (name: string) => void }) {
  return (
    <label>
      Consumer
      <select name="consumer" value={chosen} onChange={(e) => onChange(e.target.value)}>
        {targets.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}
