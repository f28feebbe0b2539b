/*
 * Browser part of the end-to-end suite (run by run.php with --browser=DIR, DIR holding
 * node_modules/playwright-core): logs in to EspoCRM's own UI as a member and checks what EspoCRM
 * itself shows of the chat: the popup, the Dialog list view (#Dialog/list: display name, unread),
 * the chat page that #Dialog/view/<id> opens (the package's Dialog controller routes the record view
 * there) with the dialog's messages, and no script errors.
 *
 *   node browser.js '{"url":..., "userName":..., "password":..., "dialogId":..., "text":..., "chromium":...}'
 * Prints one JSON object: {popup, list, chat, errors}.
 */
const a = JSON.parse(process.argv[2]);
const { chromium } = require(a.modules + '/playwright-core');

(async () => {
    const browser = await chromium.launch({ executablePath: a.chromium, args: ['--no-sandbox'] });
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    const result = { popup: null, list: null, chat: null, errors, grouped: [] };
    page.on('response', async r => {
        if (r.url().includes('PopupNotification/action/grouped')) {
            result.grouped.push(await r.text().catch(() => '?'));
        }
    });
    // EspoCRM 9.x plays a sound with a new popup; leaving the page cuts it ("play() request was
    // interrupted"): the browser's complaint, not a script error.
    const benign = text => /play\(\) request was interrupted/.test(text);
    page.on('pageerror', e => { if (!benign(String(e))) errors.push(String(e)); });
    page.on('console', m => { if (m.type() === 'error' && !benign(m.text())) errors.push(m.text()); });

    try {
        await page.goto(a.url + '/');
        await page.fill('input[name=username]', a.userName);
        await page.fill('input[name=password]', a.password);
        await page.click('#btn-login');
        const popup = await page.waitForSelector('.popup-notification', { timeout: 30000 }).catch(() => null);
        result.popup = popup ? await popup.innerText() : null;

        await page.goto(a.url + '/#Dialog/list');
        await page.waitForSelector('.list-container table', { timeout: 20000 });
        result.list = await page.innerText('.list-container');

        await page.goto(a.url + '/#Dialog/view/' + a.dialogId);
        const shown = await page.waitForFunction(
            t => Array.from(document.querySelectorAll('.ebla-chat-message')).some(e => e.innerText.includes(t)),
            a.text, { timeout: 20000 }).catch(() => null);
        result.chat = shown ? await page.$$eval('.ebla-chat-message', l => l.map(e => e.innerText)) : null;
    } catch (e) {
        errors.push('browser: ' + e.message);
    }

    await browser.close();
    console.log(JSON.stringify(result));
})();
