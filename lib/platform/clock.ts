/** Token claims, TTL attributes and leases all count whole seconds since the epoch. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
