// Drives the system Chromium against a running store (bench/lighthouse.sh starts it):
//   node audit.mjs photos <base> <email> <password> <product id> <count>
//     makes <count> photograph-like JPEGs (2,400 × 1,600, drawn in the browser), uploads them as
//     the merchant through the product's edit page and prints the addresses the store gave them;
//   node audit.mjs audit <base> <report folder> <name>=<path> ...
//     runs Lighthouse (performance, accessibility, best practices, SEO; its default mobile
//     emulation) on each page and prints one line per page: the four scores, the bytes the page
//     downloaded with its requests, and the audits of best practices and SEO that did not pass.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const chromium = process.env.STOREFRONT_CHROMIUM || '/usr/bin/chromium';
const [command, base, ...rest] = process.argv.slice(2);

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  // Root on a build machine has no user namespaces for Chromium's sandbox.
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
try {
  if (command === 'photos') await photos(...rest);
  else if (command === 'audit') await audit(...rest);
  else throw new Error(`unknown command ${command}`);
} finally {
  await browser.close();
}

async function photos(email, password, productId, count) {
  const page = await browser.newPage();
  await page.goto(`${base}/account/login`);
  await page.type('input[name="Input.Email"]', email);
  await page.type('input[name="Input.Password"]', password);
  await Promise.all([page.waitForNavigation(), page.click('form:has(input[name="Input.Email"]) button[type="submit"]')]);
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'storefront-photos-'));
  for (let i = 0; i < Number(count); i++) {
    // A photograph's worth of detail: a sky-to-meadow gradient, soft shapes and fine grain, so the
    // JPEG weighs what a camera's does at this size.
    const dataUrl = await page.evaluate((seed) => {
      let state = seed * 7919 + 17;
      const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
      const canvas = document.createElement('canvas');
      canvas.width = 2400;
      canvas.height = 1600;
      const g = canvas.getContext('2d');
      const sky = g.createLinearGradient(0, 0, 0, 1600);
      sky.addColorStop(0, `hsl(${200 + seed * 20}, 60%, 70%)`);
      sky.addColorStop(0.55, 'hsl(90, 35%, 55%)');
      sky.addColorStop(1, 'hsl(100, 45%, 25%)');
      g.fillStyle = sky;
      g.fillRect(0, 0, 2400, 1600);
      for (let n = 0; n < 400; n++) {
        g.fillStyle = `hsla(${Math.floor(random() * 360)}, 50%, ${30 + random() * 50}%, 0.25)`;
        g.beginPath();
        g.arc(random() * 2400, random() * 1600, 10 + random() * 160, 0, Math.PI * 2);
        g.fill();
      }
      const pixels = g.getImageData(0, 0, 2400, 1600);
      for (let p = 0; p < pixels.data.length; p += 4) {
        const grain = (random() - 0.5) * 18;
        pixels.data[p] += grain;
        pixels.data[p + 1] += grain;
        pixels.data[p + 2] += grain;
      }
      g.putImageData(pixels, 0, 0);
      return canvas.toDataURL('image/jpeg', 0.88);
    }, i + 1);
    const file = path.join(folder, `photo-${i + 1}.jpg`);
    await fs.writeFile(file, Buffer.from(dataUrl.split(',')[1], 'base64'));
    await page.goto(`${base}/admin/products/${productId}`);
    const input = await page.$('form input[type="file"][name="image"]');
    await input.uploadFile(file);
    const form = await input.evaluateHandle((el) => el.form);
    await Promise.all([page.waitForNavigation(), form.evaluate((f) => f.requestSubmit())]);
    const notice = await page.$eval('[role="status"], .notice.error', (el) => el.textContent.trim()).catch(() => '');
    if (notice !== 'Image added.') throw new Error(`upload ${i + 1}: ${notice || 'no answer'}`);
    const { size } = await fs.stat(file);
    // The thumbnail shows a size; the remove form names the picture itself.
    const url = await page.$$eval('.thumbs input[name="url"]', (inputs) => inputs[inputs.length - 1].value);
    console.log(`${url} ${size}`);
  }
  await fs.rm(folder, { recursive: true, force: true });
}

async function audit(reports, ...pages) {
  await fs.mkdir(reports, { recursive: true });
  for (const entry of pages) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at);
    const url = base + entry.slice(at + 1);
    // A run Chromium could not trace (NO_NAVSTART and the like) scores nothing: it is run again.
    let result;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const page = await browser.newPage();
      result = await lighthouse(url, {
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
      }, undefined, page);
      await page.close();
      if (!result.lhr.runtimeError) break;
    }
    const lhr = result.lhr;
    await fs.writeFile(path.join(reports, `${name}.json`), result.report);
    const score = (id) => Math.round(lhr.categories[id].score * 100);
    const failed = ['best-practices', 'seo'].flatMap((id) => lhr.categories[id].auditRefs
      .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
      .map((ref) => ref.id));
    const bytes = lhr.audits['total-byte-weight'].numericValue;
    const requests = lhr.audits['network-requests'].details?.items?.length ?? 0;
    console.log(`${name} ${entry.slice(at + 1)} performance=${score('performance')} accessibility=${score('accessibility')} ` +
      `best-practices=${score('best-practices')} seo=${score('seo')} bytes=${Math.round(bytes)} requests=${requests}` +
      (failed.length ? ` failed=${failed.join(',')}` : '') +
      (lhr.runtimeError ? ` error=${lhr.runtimeError.code}` : ''));
  }
}
