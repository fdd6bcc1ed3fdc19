/** The longest delay `setTimeout` honours; beyond it Node fires after 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * A timeout in ms made safe for `setTimeout`: Java callers pass long timeouts (and `Infinity` means
 * "no limit"), which Node would otherwise turn into a 1 ms timer that fails the call at once.
 * Longer delays are capped at about 24.8 days; negative or NaN ones become 0.
 */
export function timerDelay(ms: number): number {
  if (!(ms > 0)) return 0;
  return ms > MAX_TIMER_DELAY_MS ? MAX_TIMER_DELAY_MS : ms;
}
