// The load generator of `npm run bench`, as its own process so it does not share the server's event
// loop: autocannon with the options given as JSON in argv[2]; prints autocannon's result as JSON.
// `"vary": true` replaces each __N__ in the body with a new number per request (no two alike).
import autocannon from 'autocannon';

const { url, connections, seconds, method, body, vary } = JSON.parse(process.argv[2] ?? '{}');
let n = 0;
const result = await autocannon({
  url,
  connections,
  duration: seconds,
  ...(method ? { method } : {}),
  ...(body ? { headers: { 'content-type': 'application/json' } } : {}),
  requests: [
    {
      ...(method ? { method } : {}),
      ...(body && !vary ? { body } : {}),
      ...(body && vary
        ? { setupRequest: (request) => ({ ...request, body: body.replaceAll('__N__', String(++n)) }) }
        : {}),
    },
  ],
});
process.stdout.write(JSON.stringify(result));
