/**
 * Kong's rate-limiting counts per calendar window (the minute starts on the
 * minute), so a burst that straddles a boundary starts its count over and a
 * test expecting the limit to bite sees it late. Start every burst well
 * inside one minute.
 */
export async function awayFromMinuteEnd(marginSeconds = 15): Promise<void> {
  const second = new Date().getUTCSeconds();
  if (second >= 60 - marginSeconds) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
}
