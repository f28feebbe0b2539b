/*
 * Browser part of the end-to-end suite (run by run.php with --browser=DIR, DIR holding
 * node_modules/playwright-core): logs in to EspoCRM's own UI as a member and checks what EspoCRM
 * itself shows of the chat: the popup, the #Dialog list (display name, unread), the Dialog record
 * with its stream (the messages, no post form), and no script errors.
 *
 *   node browser.js '{"url":..., "userName":..., "password":..., "dialogId":..., "otherName":..., "text":..., "chromium":...}'
 * Prints one JSON object: {popup, list, stream, streamForm, errors}.
 */
const a = JSON.parse(process.argv[2]);
const { chromium } = require(a.modules + '/playwright-core');

(async () => {
    const browser = await chromium.launch({ executablePath: a.chromium, args: ['--no-sandbox'] });
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    const result = { popup: null, list: null, stream: null, streamForm: null, errors, grouped: [] };
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

        await page.goto(a.url + '/#Dialog');
        await page.waitForSelector('.list-container table', { timeout: 20000 });
        result.list = await page.innerText('.list-container');

        await page.goto(a.url + '/#Dialog/view/' + a.dialogId);
        const stream = await page.waitForSelector('.panel[data-name="stream"] .list-container .list-group-item, .panel[data-name="stream"] .list > ul > li', { timeout: 20000 }).catch(() => null);
        result.stream = stream ? await page.innerText('.panel[data-name="stream"]') : null;
        result.streamForm = await page.isVisible('.panel[data-name="stream"] textarea');
    } catch (e) {
        errors.push('browser: ' + e.message);
    }

    await browser.close();
    console.log(JSON.stringify(result));
})();
