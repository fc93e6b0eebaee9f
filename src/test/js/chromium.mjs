// Debian's headless Chromium through playwright-core as the ITs installed it (under $TOOLS, not committed), with the
// flags this machine's closed network needs: without the background-networking ones Chromium's own connections are
// refused, many at a time. Shared by console-test.mjs and swagger-ui-test.mjs.
import {createRequire} from 'node:module';

const {chromium} = createRequire(process.env.TOOLS + '/')('playwright-core');

export function launchChromium() {
  return chromium.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync']});
}
