export function LevelBadge({ level }: { level?: string }) {
  const l = level ?? 'info';
  return <span className={`badge level-${l}`}>{l}</span>;
}

export function StatusPill({ status }: { status: string }) {
  return <span className={`pill pill-${status}`}>{status}</span>;
}
