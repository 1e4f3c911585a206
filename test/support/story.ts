/**
 * A story told in steps: each step is a test of its own over the story's shared state (declared
 * in the enclosing `describe`), run in order, so a failure names the step that broke. A step
 * after a broken one fails at once, naming the broken step, instead of failing on state that was
 * never made.
 */
export function storySteps(): (name: string, run: () => Promise<void>) => void {
  let broken: string | undefined;
  return (name, run) =>
    it(name, async () => {
      if (broken) throw new Error(`not run: the story broke at "${broken}"`);
      try {
        await run();
      } catch (error) {
        broken = name;
        throw error;
      }
    });
}
