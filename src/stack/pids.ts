// Whether a process exists: signal 0 is delivered to nothing but checked like a signal (EPERM:
// it exists, owned by another user — our services drop root).
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
