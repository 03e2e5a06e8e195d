// A shop page in React for the Chromium tests (apps/event-store/test/client-logger.e2e-spec.ts):
// the SDK with its React binding, as a product's page would use them. Built by
// scripts/build-client-logger-demo.js into one ES module with React inlined.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createClientLogger, type ClientLoggerOptions } from '../src/client-logger.js';
import { ClientErrorBoundary, ClientLoggerProvider, useClientLogger } from '../src/react/index.js';

const page = globalThis as unknown as { MESH_CONFIG: ClientLoggerOptions; logger: unknown };
const logger = createClientLogger({ ...page.MESH_CONFIG, batchIntervalMs: 600_000 });
logger.installNavigationHook();
const apiFetch = logger.wrapFetch(fetch);

function PriceTag({ price }: { price?: number }) {
  if (price === undefined) throw new Error('price missing for A-1');
  return <span>{price}</span>;
}

function Shop() {
  const log = useClientLogger();
  const [broken, setBroken] = useState(false);
  return (
    <main>
      <button id="buy" onClick={() => log.logUserAction('add_to_cart', { sku: 'A-1' })}>Buy</button>
      <button id="price" onClick={() => setBroken(true)}>Show price</button>
      <button id="load" onClick={() => void apiFetch('/api/products/404')}>Load</button>
      <a id="product" href="/products/7" onClick={(e) => { e.preventDefault(); history.pushState({}, '', '/products/7'); }}>Product 7</a>
      <ClientErrorBoundary
        name="price"
        showToUser
        userMessage="We could not show the price; please try again."
        fallback={(_error, reset) => (
          <p role="alert">
            Price unavailable <button id="retry" onClick={() => { setBroken(false); reset(); }}>Retry</button>
          </p>
        )}
      >
        {broken ? <PriceTag /> : <span id="no-price">–</span>}
      </ClientErrorBoundary>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <ClientLoggerProvider logger={logger}>
    <Shop />
  </ClientLoggerProvider>,
);
page.logger = logger;
document.title = 'ready';
