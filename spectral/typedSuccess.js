/**
 * Spectral function: an operation's responses include a 2xx whose body is described (a JSON
 * schema or a file's media types), or a 204; a 202 next to a typed 200 is the "still being
 * made" answer of a file and needs no body.
 */
export default function typedSuccess(responses) {
  const success = Object.entries(responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
  if (success.length === 0) return [{ message: 'No 2xx response.' }];
  const typed = success.some(
    ([status, response]) =>
      status === '204' ||
      Object.values(response?.content ?? {}).some((media) => media && media.schema),
  );
  return typed ? [] : [{ message: 'No 2xx response describes its body.' }];
}
