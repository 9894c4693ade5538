/** Flattens an engine's grouped batch outcomes (executeBatch yields one group per pipeline) for assertions. */
export async function* flat<T>(groups: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const group of groups) yield* group;
}
