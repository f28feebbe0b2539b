#!/usr/bin/env node
/*
 * End-to-end browser suite of Ebla Chat inside a running EspoCRM with the package installed.
 *
 *   node tests/espocrm-ui/run.js --url=http://127.0.0.1:8080 --user=admin --password=...
 *        [--screenshots=docs/screenshots] [--chromium=/usr/bin/chromium] [--headed]
 *
 * (or ESPO_URL, ESPO_ADMIN_USER, ESPO_ADMIN_PASSWORD, EBLA_UI_SCREENSHOTS, CHROMIUM in the
 * environment). It creates, through EspoCRM's API as the administrator, two teams, a role, three
 * users (two who share a team, one outside it) and a Case, then drives two browser contexts (two
 * people logged in at once) through the chat: text, an attachment, a voice message from the fake
 * microphone, badge, bell and popup on the other side, reading clears them, the side panel and the
 * chat button on the Case, the voice recorder on the Case's stream, and the user outside the teams
 * who can be neither found nor messaged. Each step prints "ok" or "not ok" with what it measured;
 * the exit status is 1 when a step failed.
 */
'use strict';

const path = require('path');
const fs = require('fs');
const {chromium} = require('playwright-core');

// ------------------------------------------------------------------ arguments

const args = {};

process.argv.slice(2).forEach(a => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);

    if (m) {
        args[m[1]] = m[2] === undefined ? true : m[2];
    }
});

const BASE = String(args.url || process.env.ESPO_URL || '').replace(/\/+$/, '');
const ADMIN_USER = args.user || process.env.ESPO_ADMIN_USER || 'admin';
const ADMIN_PASSWORD = args.password || process.env.ESPO_ADMIN_PASSWORD || '';
const SHOTS = args.screenshots || process.env.EBLA_UI_SCREENSHOTS || '';
const CHROMIUM = args.chromium || process.env.CHROMIUM || '/usr/bin/chromium';
// How long the other side may take to see a message: a second with WebSocket; without it, one
// polling interval plus the request.
const DELIVERY_TIMEOUT_MS = Number(args['delivery-timeout'] || 0);
// Optional: commands that stop and start EspoCRM's WebSocket daemon, for the catch-up check.
const WS_STOP = args['ws-stop'] || process.env.EBLA_UI_WS_STOP || '';
const WS_START = args['ws-start'] || process.env.EBLA_UI_WS_START || '';

if (!BASE || !ADMIN_PASSWORD) {
    console.error('usage: node tests/espocrm-ui/run.js --url=URL --user=ADMIN --password=PASSWORD [--screenshots=DIR]');
    process.exit(2);
}

const STAMP = Date.now().toString(36);
const PASSWORD = 'Ui-' + STAMP + '-pass1';

// ------------------------------------------------------------------ reporting

let failures = 0;
let stepNumber = 0;
const results = [];

function ok(name, detail) {
    stepNumber++;
    results.push({name, ok: true, detail: detail || ''});
    console.log(`ok ${stepNumber} - ${name}${detail ? ' (' + detail + ')' : ''}`);
}

function notOk(name, error) {
    stepNumber++;
    failures++;
    results.push({name, ok: false, detail: String(error && error.message || error)});
    console.log(`not ok ${stepNumber} - ${name}: ${error && error.stack || error}`);
}

async function step(name, fn) {
    try {
        const detail = await fn();

        ok(name, detail);

        return true;
    }
    catch (e) {
        notOk(name, e);

        return false;
    }
}

function assert(condition, message) {
    if (!condition) {
        throw new Error(message);
    }
}

// ------------------------------------------------------------------ EspoCRM API

async function api(method, route, body, auth) {
    auth = auth || {user: ADMIN_USER, password: ADMIN_PASSWORD};

    const response = await fetch(BASE + '/api/v1/' + route, {
        method,
        headers: {
            'Authorization': 'Basic ' + Buffer.from(auth.user + ':' + auth.password).toString('base64'),
            'Content-Type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
    });

    const text = await response.text();
    let data = null;

    try {
        data = text ? JSON.parse(text) : null;
    }
    catch (e) {
        data = text;
    }

    return {status: response.status, data, reason: response.headers.get('x-status-reason') || ''};
}

async function apiOk(method, route, body, auth) {
    const r = await api(method, route, body, auth);

    if (r.status >= 400) {
        throw new Error(`${method} ${route}: ${r.status} ${r.reason}`);
    }

    return r.data;
}

async function setUp() {
    const settings = await apiOk('GET', 'App/user');
    const config = settings.settings || {};

    const teamA = await apiOk('POST', 'Team', {name: 'Chat UI A ' + STAMP});
    const teamB = await apiOk('POST', 'Team', {name: 'Chat UI B ' + STAMP});

    const role = await apiOk('POST', 'Role', {
        name: 'Chat UI ' + STAMP,
        data: {
            Dialog: {create: 'yes', read: 'own'},
            User: {read: 'team'},
            Case: {create: 'yes', read: 'team', edit: 'team', delete: 'no', stream: 'team'},
            Account: {create: 'no', read: 'team', edit: 'no', delete: 'no', stream: 'no'},
            Contact: {create: 'no', read: 'team', edit: 'no', delete: 'no', stream: 'no'},
        },
        fieldData: {},
        userPermission: 'team',
        assignmentPermission: 'team',
        messagePermission: 'team',
        mentionPermission: 'team',
        portalPermission: 'no',
    });

    const makeUser = async (key, first, last, teamId) => {
        const userName = key + '_' + STAMP;
        const user = await apiOk('POST', 'User', {
            userName,
            firstName: first,
            lastName: last + ' ' + STAMP,
            type: 'regular',
            isActive: true,
            password: PASSWORD,
            passwordConfirm: PASSWORD,
            teamsIds: [teamId],
            defaultTeamId: teamId,
            rolesIds: [role.id],
            emailAddress: userName + '@example.com',
        });

        return {id: user.id, userName, name: first + ' ' + last + ' ' + STAMP, password: PASSWORD};
    };

    const alice = await makeUser('alice', 'Alice', 'Archer', teamA.id);
    const bob = await makeUser('bob', 'Bob', 'Baker', teamA.id);
    const carol = await makeUser('carol', 'Carol', 'Cole', teamB.id);

    const theCase = await apiOk('POST', 'Case', {
        name: 'Printer on fire ' + STAMP,
        status: 'New',
        priority: 'Normal',
        assignedUserId: bob.id,
        teamsIds: [teamA.id],
    });

    // The chat button is a field the administrator places on a layout.
    const layout = await apiOk('GET', 'Case/layout/detail');
    const hasButton = JSON.stringify(layout).includes('"eblaChat"');

    if (!hasButton && Array.isArray(layout) && layout[0] && Array.isArray(layout[0].rows)) {
        layout[0].rows.splice(1, 0, [{name: 'eblaChat'}, false]);
        await apiOk('PUT', 'Case/layout/detail', layout);
    }

    // A portal with a portal user (a customer), for the portal step.
    const portalRole = await apiOk('POST', 'PortalRole', {
        name: 'Chat UI portal ' + STAMP,
        data: {Dialog: {create: 'yes', read: 'own'}, Case: {create: 'yes', read: 'own', edit: 'no', delete: 'no', stream: 'own'}},
        fieldData: {},
    });
    const portal = await apiOk('POST', 'Portal', {
        name: 'Chat UI portal ' + STAMP, isActive: true, portalRolesIds: [portalRole.id], tabList: ['Case'],
    });
    const contact = await apiOk('POST', 'Contact', {firstName: 'Pat', lastName: 'Portal ' + STAMP});
    const patUserName = 'pat_' + STAMP;
    const patUser = await apiOk('POST', 'User', {
        userName: patUserName, firstName: 'Pat', lastName: 'Portal ' + STAMP, type: 'portal', isActive: true,
        password: PASSWORD, passwordConfirm: PASSWORD, portalsIds: [portal.id], portalRolesIds: [portalRole.id],
        contactId: contact.id,
    });
    const pat = {id: patUser.id, userName: patUserName, name: 'Pat Portal ' + STAMP, password: PASSWORD, portalId: portal.id};

    return {config, alice, bob, carol, pat, theCase, teamA, teamB, role};
}

// ------------------------------------------------------------------ browser

async function login(browser, user, options) {
    const start = BASE + (user.portalId ? '/portal/' + user.portalId + '/' : '/');

    const context = await browser.newContext({
        viewport: {width: 1360, height: 860},
        permissions: ['microphone'],
        colorScheme: options && options.dark ? 'dark' : 'light',
    });
    const page = await context.newPage();

    page.on('pageerror', e => console.log(`# [${user.userName}] page error: ${e.message}`));
    page.on('console', m => {
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) {
            console.log(`# [${user.userName}] console: ${m.text()}`);
        }
    });

    await page.goto(start);
    await page.fill('input[name="username"]', user.userName);
    await page.fill('input[name="password"]', user.password);
    await page.click('#btn-login');
    await page.waitForSelector('.ebla-chat-navbar-button', {timeout: 30000, state: 'attached'});

    return {context, page, user};
}

async function shot(page, name) {
    if (!SHOTS) {
        return;
    }

    fs.mkdirSync(SHOTS, {recursive: true});
    await page.screenshot({path: path.join(SHOTS, name + '.png')});
}

async function navCount(page) {
    const text = await page.$eval('.ebla-chat-navbar-count', el => el.classList.contains('hidden') ? '' : el.textContent)
        .catch(() => '');

    return text ? parseInt(text, 10) : 0;
}

async function bellCount(page) {
    const text = await page.$eval('.notifications-badge-container:not(.ebla-chat-navbar-item) .number-badge',
        el => el.classList.contains('hidden') ? '' : el.textContent).catch(() => '');

    return text ? parseInt(text, 10) : 0;
}

async function waitFor(fn, timeout, what) {
    const start = Date.now();

    for (;;) {
        const value = await fn();

        if (value) {
            return value;
        }

        if (Date.now() - start > timeout) {
            throw new Error('timed out waiting for ' + what);
        }

        await new Promise(r => setTimeout(r, 25));
    }
}

/**
 * Sends what is in the composer and returns when the server answered (the message row).
 */
async function sendComposer(page) {
    const [response] = await Promise.all([
        page.waitForResponse(r => /\/EblaChat\/dialogs\/[^/]+\/messages$/.test(r.url()) &&
            r.request().method() === 'POST', {timeout: 30000}),
        page.keyboard.press('Enter'),
    ]);

    assert(response.status() === 200, 'post answered ' + response.status());

    return {message: await response.json(), at: Date.now()};
}

function tinyPng() {
    // A 240x140 PNG: an orange-to-red gradient with a darker band (a picture of the fire).
    const zlib = require('zlib');
    const width = 240;
    const height = 140;
    const raw = Buffer.alloc((width * 3 + 1) * height);

    for (let y = 0; y < height; y++) {
        raw[y * (width * 3 + 1)] = 0;

        for (let x = 0; x < width; x++) {
            const o = y * (width * 3 + 1) + 1 + x * 3;
            const band = Math.abs(y - height / 2) < 12 ? 0.6 : 1;

            raw[o] = Math.round(255 * band);
            raw[o + 1] = Math.round((200 - 160 * x / width) * band);
            raw[o + 2] = Math.round(40 * band);
        }
    }

    const crcTable = Array.from({length: 256}, (_, n) => {
        let c = n;

        for (let k = 0; k < 8; k++) {
            c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        }

        return c >>> 0;
    });
    const crc = buf => {
        let c = 0xffffffff;

        for (const b of buf) {
            c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
        }

        return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type, data) => {
        const len = Buffer.alloc(4);
        const body = Buffer.concat([Buffer.from(type), data]);
        const sum = Buffer.alloc(4);

        len.writeUInt32BE(data.length);
        sum.writeUInt32BE(crc(body));

        return Buffer.concat([len, body, sum]);
    };
    const header = Buffer.alloc(13);

    header.writeUInt32BE(width, 0);
    header.writeUInt32BE(height, 4);
    header[8] = 8;
    header[9] = 2;

    return Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', header),
        chunk('IDAT', zlib.deflateSync(raw)),
        chunk('IEND', Buffer.alloc(0)),
    ]);
}

// ------------------------------------------------------------------ the suite

(async () => {
    let env;

    if (!await step('set up users, teams, role and a Case through the API', async () => {
        env = await setUp();

        return `alice/bob share a team, carol does not; Case ${env.theCase.id}`;
    })) {
        process.exit(1);
    }

    const {alice, bob, carol, theCase} = env;
    const useWebSocket = !!env.config.useWebSocket;
    const interval = env.config.popupNotificationsCheckInterval || 15;
    const deliveryTimeout = DELIVERY_TIMEOUT_MS || (useWebSocket ? 1000 : (interval + 5) * 1000);

    console.log(`# EspoCRM ${env.config.version || ''}, WebSocket ${useWebSocket ? 'on' : 'off'}, ` +
        `delivery timeout ${deliveryTimeout} ms`);

    const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: !args.headed,
        args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--use-fake-device-for-media-stream',
            '--use-fake-ui-for-media-stream',
        ],
    });

    const latencies = {};
    let A;
    let B;
    let dialogId = null;

    try {
        await step('two people log in, each in a browser context', async () => {
            const t0 = Date.now();

            [A, B] = await Promise.all([login(browser, alice), login(browser, bob)]);

            return `${Date.now() - t0} ms`;
        });

        await step('the user outside the teams is not found and cannot be messaged', async () => {
            const partners = await apiOk('GET', 'EblaChat/partners?q=' + encodeURIComponent('Carol'), undefined,
                {user: alice.userName, password: alice.password});

            assert(!partners.list.some(u => u.id === carol.id), 'carol is listed as a partner');

            const open = await api('POST', 'EblaChat/dialogs', {memberIds: [carol.id]},
                {user: alice.userName, password: alice.password});

            assert(open.status === 403, 'opening a dialog with carol answered ' + open.status);

            await A.page.goto(BASE + '/#Dialog');
            await A.page.waitForSelector('.ebla-chat-page');
            await A.page.click('[data-action="newDialog"]');
            await A.page.waitForSelector('.ebla-chat-partner-search');
            await A.page.fill('.ebla-chat-partner-search', 'Carol');
            await A.page.waitForSelector('.ebla-chat-partners-empty:not(.hidden)', {timeout: 10000});

            return `partners search: 0 of carol, POST dialogs: 403 "${open.reason}"`;
        });

        await step('a new direct dialog from the partners search', async () => {
            await A.page.fill('.ebla-chat-partner-search', 'Bob');
            await A.page.waitForSelector(`.ebla-chat-partners li[data-id="${bob.id}"]`, {timeout: 10000});
            await shot(A.page, 'new-dialog');
            await A.page.click(`.ebla-chat-partners li[data-id="${bob.id}"]`);
            await A.page.click('.modal-footer [data-name="create"]');
            await A.page.waitForSelector('.ebla-chat-conversation .ebla-chat-input');

            dialogId = await A.page.$eval('.ebla-chat-conversation', el => el.dataset.dialogId);
            assert(dialogId, 'no dialog opened');
            assert(A.page.url().includes('#Dialog/view/' + dialogId), 'url is ' + A.page.url());

            return 'dialog ' + dialogId;
        });

        const bobNavBefore = await navCount(B.page);
        const bobBellBefore = await bellCount(B.page);

        await step('text: the other sees badge, bell and popup', async () => {
            const text = 'Hello Bob, the printer is on fire again ' + STAMP;

            await A.page.fill('.ebla-chat-input', text);

            const sent = await sendComposer(A.page);

            await A.page.waitForSelector(`.ebla-chat-message[data-id="${sent.message.id}"]`);

            const popupSelector = '.popup-notification-ebla-chat';

            await waitFor(async () => await navCount(B.page) === bobNavBefore + 1, deliveryTimeout + 5000, 'chat badge');
            const badgeAt = Date.now();

            await B.page.waitForSelector(popupSelector, {timeout: deliveryTimeout + 5000});
            const popupAt = Date.now();

            await waitFor(async () => await bellCount(B.page) >= bobBellBefore + 1, deliveryTimeout + 5000, 'bell');
            const bellAt = Date.now();

            latencies.text = {badge: badgeAt - sent.at, popup: popupAt - sent.at, bell: bellAt - sent.at};

            const popupText = await B.page.textContent(popupSelector);

            assert(popupText.includes(alice.name) || popupText.includes('Alice'), 'popup has no dialog name: ' + popupText);
            assert(popupText.includes('printer is on fire'), 'popup has no message: ' + popupText);

            await shot(B.page, 'popup-and-badge');

            // Closed and the page reloaded: the same messages never pop up again, the badge stays.
            await B.page.click(popupSelector + ' [data-action="close"]');
            await Promise.all([
                B.page.waitForResponse(r => r.url().includes('PopupNotification/action/grouped'), {timeout: 30000}),
                B.page.reload(),
            ]);
            await B.page.waitForSelector('.ebla-chat-navbar-button', {state: 'attached'});
            await waitFor(async () => await navCount(B.page) === bobNavBefore + 1, 10000, 'badge after the reload');
            await B.page.waitForResponse(r => r.url().includes('EblaChat/poll'), {timeout: 10000}).catch(() => {});
            assert(!(await B.page.$(popupSelector)), 'the popup came back after a reload');

            const limit = deliveryTimeout;
            const worst = Math.max(latencies.text.badge, latencies.text.popup, latencies.text.bell);

            assert(worst <= limit, `seen after ${worst} ms, more than ${limit} ms`);

            return `badge ${latencies.text.badge} ms, popup ${latencies.text.popup} ms, bell ${latencies.text.bell} ms after the post returned`;
        });

        await step('the popup opens the dialog; reading clears badge, bell and popup', async () => {
            // A second message: a new popup, for the newer messages.
            await A.page.fill('.ebla-chat-input', 'Are you there?');
            await sendComposer(A.page);
            await B.page.waitForSelector('.popup-notification-ebla-chat', {timeout: deliveryTimeout + 5000});

            const count = await B.page.textContent('.popup-notification-ebla-chat .ebla-chat-popup-count');

            assert(count.trim() === '2', 'the popup counts ' + count);

            await B.page.click('.popup-notification-ebla-chat .ebla-chat-popup');
            await B.page.waitForSelector(`.ebla-chat-conversation[data-dialog-id="${dialogId}"] .ebla-chat-message`);
            await waitFor(async () => await navCount(B.page) === bobNavBefore, 5000, 'chat badge cleared');
            await waitFor(async () => await bellCount(B.page) === bobBellBefore, 5000, 'bell cleared');
            await waitFor(async () => !(await B.page.$('.popup-notification-ebla-chat')), 5000, 'popup gone');

            const unread = await apiOk('GET', 'EblaChat/unread', undefined, {user: bob.userName, password: bob.password});

            assert(!unread.dialogs[dialogId], 'server still counts unread: ' + JSON.stringify(unread));

            return 'unread 0 on the server';
        });

        await step('a reply arrives in the open dialog of the other without a reload', async () => {
            await B.page.fill('.ebla-chat-input', 'On my way @' + alice.userName + ' with the extinguisher');

            const sent = await sendComposer(B.page);

            await A.page.waitForSelector(`.ebla-chat-message[data-id="${sent.message.id}"]`, {timeout: deliveryTimeout + 5000});
            latencies.reply = Date.now() - sent.at;

            const mention = await A.page.$(`.ebla-chat-message[data-id="${sent.message.id}"] .ebla-chat-mention.me`);

            assert(mention, 'the mention is not marked');
            assert(sent.message.mentions.includes(alice.id), 'the server did not record the mention');

            // Alice has the dialog open: it is read at once.
            await waitFor(async () => await navCount(A.page) === 0, 5000, 'alice badge stays clear');

            return `shown to the author of the dialog after ${latencies.reply} ms; mention marked`;
        });

        await step('@mention suggestions of members in the composer', async () => {
            await A.page.fill('.ebla-chat-input', '');
            await A.page.type('.ebla-chat-input', 'Thanks @bo');
            await A.page.waitForSelector('.ebla-chat-mentions.open-list li', {timeout: 5000});

            const suggestion = await A.page.textContent('.ebla-chat-mentions li.active');

            assert(suggestion.includes(bob.userName), 'suggested ' + suggestion);

            await A.page.keyboard.press('Enter');

            const value = await A.page.inputValue('.ebla-chat-input');

            assert(value === 'Thanks @' + bob.userName + ' ', 'composer has ' + JSON.stringify(value));

            await A.page.keyboard.press('Shift+Enter');
            await A.page.keyboard.type('second line');

            const twoLines = await A.page.inputValue('.ebla-chat-input');

            assert(twoLines.includes('\nsecond line'), 'Shift+Enter did not make a new line');

            const sent = await sendComposer(A.page);

            assert(sent.message.text.includes('\n'), 'the new line was not sent');
            assert(sent.message.mentions.includes(bob.id), 'mention of bob not recorded');

            await B.page.waitForSelector(`.ebla-chat-message[data-id="${sent.message.id}"]`, {timeout: deliveryTimeout + 5000});

            return 'Enter picked the suggestion, Shift+Enter made a new line, Enter sent';
        });

        await step('attachment: uploaded through the attachment API, image preview on the other side', async () => {
            await B.page.goto(BASE + '/#Case');
            await B.page.waitForSelector('.list-container, .no-data', {timeout: 15000}).catch(() => {});

            const before = await navCount(B.page);

            await A.page.setInputFiles('.ebla-chat-file', {name: 'fire.png', mimeType: 'image/png', buffer: tinyPng()});
            await A.page.waitForSelector('.ebla-chat-chip.done', {timeout: 15000});

            const sent = await sendComposer(A.page);

            assert(sent.message.attachments.length === 1, 'attachments: ' + JSON.stringify(sent.message.attachments));

            await waitFor(async () => await navCount(B.page) === before + 1, deliveryTimeout + 5000, 'badge for the attachment');
            latencies.attachment = Date.now() - sent.at;

            await B.page.goto(BASE + '/#Dialog/view/' + dialogId);

            const img = await B.page.waitForSelector(`.ebla-chat-message[data-id="${sent.message.id}"] .ebla-chat-image img`);

            await waitFor(() => img.evaluate(el => el.complete && el.naturalWidth > 0), 10000, 'image loaded');
            await waitFor(async () => await navCount(B.page) === before, 5000, 'badge cleared after reading');

            return `badge after ${latencies.attachment} ms; preview loaded`;
        });

        await step('voice: recorded with elapsed time, sent as voice, played inline by the other', async () => {
            await A.page.click('[data-action="record"]');
            await A.page.waitForSelector('.ebla-chat-recording:not(.hidden)');
            await waitFor(async () => (await A.page.textContent('.ebla-chat-rec-time')) === '0:01', 5000, 'elapsed time 0:01');
            await shot(A.page, 'recording');
            await new Promise(r => setTimeout(r, 500));

            const [response] = await Promise.all([
                A.page.waitForResponse(r => /EblaChat\/dialogs\/[^/]+\/messages$/.test(r.url()) &&
                    r.request().method() === 'POST', {timeout: 30000}),
                A.page.click('[data-action="stopRecording"]'),
            ]);
            const sentAt = Date.now();
            const message = await response.json();

            assert(response.status() === 200, 'voice post answered ' + response.status());
            assert(message.voice === true, 'not a voice message: ' + JSON.stringify(message));
            assert(/^audio\//.test(message.attachments[0].type), 'type ' + message.attachments[0].type);

            const audio = await B.page.waitForSelector(`.ebla-chat-message[data-id="${message.id}"] audio`,
                {timeout: deliveryTimeout + 5000});

            latencies.voice = Date.now() - sentAt;

            await waitFor(() => audio.evaluate(el => el.readyState >= 1), 10000, 'audio metadata');
            await audio.evaluate(el => {
                el.muted = true;

                return el.play();
            });
            await waitFor(() => audio.evaluate(el => el.currentTime > 0), 10000, 'audio playing');
            await audio.evaluate(el => el.pause());

            await waitFor(async () => await navCount(B.page) === 0, 5000, 'read').catch(() => {});
            await shot(B.page, 'chat-page');

            return `${message.attachments[0].size} bytes ${message.attachments[0].type}, shown after ${latencies.voice} ms, plays inline`;
        });

        await step('edit and delete own messages, seen by the other', async () => {
            await A.page.fill('.ebla-chat-input', 'This one will change');

            const sent = await sendComposer(A.page);

            await B.page.waitForSelector(`.ebla-chat-message[data-id="${sent.message.id}"]`, {timeout: deliveryTimeout + 5000});

            await A.page.hover(`.ebla-chat-message[data-id="${sent.message.id}"]`);
            await A.page.click(`.ebla-chat-message[data-id="${sent.message.id}"] [data-action="editMessage"]`);
            await A.page.fill('.ebla-chat-input', 'This one has changed');
            await Promise.all([
                A.page.waitForResponse(r => r.url().includes('EblaChat/messages/' + sent.message.id) &&
                    r.request().method() === 'PUT'),
                A.page.keyboard.press('Enter'),
            ]);

            const editedAt = Date.now();

            await B.page.waitForSelector(`.ebla-chat-message[data-id="${sent.message.id}"] .ebla-chat-edited`,
                {timeout: deliveryTimeout + 5000});
            latencies.edit = Date.now() - editedAt;

            const text = await B.page.textContent(`.ebla-chat-message[data-id="${sent.message.id}"] .ebla-chat-text`);

            assert(text.includes('has changed'), 'the other sees ' + text);

            await A.page.hover(`.ebla-chat-message[data-id="${sent.message.id}"]`);
            await A.page.click(`.ebla-chat-message[data-id="${sent.message.id}"] [data-action="deleteMessage"]`);
            await A.page.click('.modal-footer [data-name="confirm"]');

            const deletedAt = Date.now();

            await B.page.waitForSelector(`.ebla-chat-message.deleted[data-id="${sent.message.id}"]`,
                {timeout: deliveryTimeout + 5000});
            latencies.delete = Date.now() - deletedAt;

            return `edit seen after ${latencies.edit} ms, delete after ${latencies.delete} ms`;
        });

        await step('a group dialog: create, rename, add and remove members, mute, leave', async () => {
            await A.page.click('[data-action="newDialog"]');
            await A.page.fill('.ebla-chat-partner-search', 'Bob');
            await A.page.click(`.ebla-chat-partners li[data-id="${bob.id}"]`);
            await A.page.click('.modal-footer [data-name="create"]');
            // One member and no name is the direct dialog again: reused, not created twice.
            await A.page.waitForSelector(`.ebla-chat-conversation[data-dialog-id="${dialogId}"]`);

            const group = await apiOk('POST', 'EblaChat/dialogs', {memberIds: [bob.id], name: 'Fire brigade ' + STAMP},
                {user: alice.userName, password: alice.password});

            assert(group.type === 'group', 'type ' + group.type);

            await A.page.goto(BASE + '/#Dialog/view/' + group.id);
            await A.page.waitForSelector(`.ebla-chat-conversation[data-dialog-id="${group.id}"]`);
            await A.page.click('[data-action="rename"]');
            await A.page.fill('#ebla-chat-rename', 'Fire brigade HQ ' + STAMP);
            await A.page.click('.modal-footer [data-name="save"]');
            await waitFor(async () => (await A.page.textContent('.ebla-chat-title-name')).includes('HQ'), 5000, 'renamed');

            await A.page.click('[data-action="members"]');
            await A.page.waitForSelector(`.ebla-chat-members li[data-id="${bob.id}"]`);
            await shot(A.page, 'members');
            await A.page.click(`.ebla-chat-members li[data-id="${bob.id}"] [data-action="removeMember"]`);
            await waitFor(async () => !(await A.page.$(`.ebla-chat-members li[data-id="${bob.id}"]`)), 5000, 'bob removed');
            await A.page.fill('.ebla-chat-add-search', 'Bob');
            await A.page.click(`.ebla-chat-candidates li[data-id="${bob.id}"]`);
            await A.page.waitForSelector(`.ebla-chat-members li[data-id="${bob.id}"]`);
            await A.page.click('.modal-footer [data-name="cancel"]');

            await A.page.click('[data-action="toggleMute"]');
            await A.page.waitForSelector('.ebla-chat-title-muted:not(.hidden)');

            const muted = await apiOk('GET', 'EblaChat/dialogs/' + group.id, undefined, {user: alice.userName, password: alice.password});

            assert(muted.muted === true, 'not muted on the server');

            await A.page.click('[data-action="leave"]');
            await A.page.click('.modal-footer [data-name="confirm"]');
            await A.page.waitForSelector('.ebla-chat-placeholder:not(.hidden)');

            const left = await api('GET', 'EblaChat/dialogs/' + group.id, undefined, {user: alice.userName, password: alice.password});

            assert(left.status === 403 || left.status === 404, 'after leaving: ' + left.status);

            return 'renamed, bob removed and added back, muted, left (then ' + left.status + ')';
        });

        let caseDialogId = null;

        await step('chat button on the Case: confirmation, then the dialog with the assigned user, linked to the Case', async () => {
            await A.page.goto(BASE + '/#Case/view/' + theCase.id);
            await A.page.waitForSelector('.ebla-chat-button', {timeout: 15000});

            const label = await A.page.textContent('.ebla-chat-button');

            assert(label.includes('Bob'), 'button says ' + label);

            await A.page.click('.ebla-chat-button');
            await A.page.waitForSelector('.modal-footer [data-name="confirm"]');
            await shot(A.page, 'chat-button-confirm');
            await A.page.click('.modal-footer [data-name="confirm"]');
            await A.page.waitForSelector('.ebla-chat-conversation');

            caseDialogId = await A.page.$eval('.ebla-chat-conversation', el => el.dataset.dialogId);

            const dialog = await apiOk('GET', 'EblaChat/dialogs/' + caseDialogId, undefined, {user: alice.userName, password: alice.password});

            assert(dialog.parentType === 'Case' && dialog.parentId === theCase.id, 'parent ' + dialog.parentType + ' ' + dialog.parentId);
            assert(dialog.memberIds.includes(bob.id), 'bob is not a member');

            await A.page.fill('.ebla-chat-input', 'About this case: who turned the printer on?');
            await sendComposer(A.page);

            // The button again reuses the same dialog.
            const again = await apiOk('POST', 'EblaChat/button', {entityType: 'Case', id: theCase.id},
                {user: alice.userName, password: alice.password});

            assert(again.id === caseDialogId, 'a second dialog was made');

            return 'dialog ' + caseDialogId + ' linked to the Case, reused';
        });

        await step('side panel on the Case: the other reads and writes there', async () => {
            await B.page.goto(BASE + '/#Case/view/' + theCase.id);
            await B.page.waitForSelector('.ebla-chat-panel', {timeout: 15000});
            await B.page.waitForSelector(`.ebla-chat-panel-dialogs li[data-id="${caseDialogId}"]`, {timeout: 10000});
            await B.page.waitForSelector('.ebla-chat-panel .ebla-chat-message', {timeout: 10000});

            const text = await B.page.textContent('.ebla-chat-panel .ebla-chat-messages');

            assert(text.includes('who turned the printer on'), 'panel shows ' + text);

            await B.page.fill('.ebla-chat-panel .ebla-chat-input', 'Not me, I was at lunch');

            const sent = await sendComposer(B.page);

            await shot(B.page, 'side-panel');

            await A.page.waitForSelector(`.ebla-chat-message[data-id="${sent.message.id}"]`, {timeout: deliveryTimeout + 5000});

            return 'read in the panel, reply seen by the other';
        });

        await step('voice recorder on the Case stream post form', async () => {
            await B.page.click('.panel-stream textarea, .stream-panel textarea, [data-name="stream"] textarea').catch(() => {});

            const mic = await B.page.waitForSelector('.ebla-chat-stream-mic', {timeout: 10000});

            await mic.click();
            await B.page.waitForSelector('.ebla-chat-stream-mic.recording');
            await new Promise(r => setTimeout(r, 1300));

            const [upload] = await Promise.all([
                B.page.waitForResponse(r => /\/api\/v1\/Attachment$/.test(r.url()) && r.request().method() === 'POST'),
                mic.click(),
            ]);

            assert(upload.status() === 200, 'upload answered ' + upload.status());

            const attachment = await upload.json();

            await B.page.waitForSelector(`.attachments-container [data-id="${attachment.id}"], .attachments-container a[href*="${attachment.id}"]`,
                {timeout: 10000}).catch(() => {});

            const [post] = await Promise.all([
                B.page.waitForResponse(r => /\/api\/v1\/Note$/.test(r.url()) && r.request().method() === 'POST'),
                B.page.click('.post-container button.post'),
            ]);

            assert(post.status() === 200, 'post answered ' + post.status());

            const note = await post.json();

            assert((note.attachmentsIds || []).includes(attachment.id), 'the note has no voice attachment');

            await shot(B.page, 'stream-voice');

            return `${attachment.type}, ${attachment.size} bytes, posted on the Case stream`;
        });

        await step('dark theme', async () => {
            const dark = await api('PUT', 'Preferences/' + alice.id, {theme: 'Dark'}, {user: alice.userName, password: alice.password});

            assert(dark.status === 200, 'preferences answered ' + dark.status);

            await A.page.goto(BASE + '/#Dialog/view/' + dialogId);
            await A.page.reload();
            await A.page.waitForSelector('.ebla-chat-conversation .ebla-chat-message', {timeout: 20000});

            const colors = await A.page.$eval('.ebla-chat-page', el => {
                const s = getComputedStyle(el);

                return {bg: s.backgroundColor, fg: s.color};
            });

            await shot(A.page, 'chat-page-dark');

            const luminance = rgb => {
                const m = rgb.match(/\d+/g).map(Number);

                return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2];
            };

            assert(luminance(colors.bg) < luminance(colors.fg), `dark theme: background ${colors.bg}, text ${colors.fg}`);

            return `background ${colors.bg}, text ${colors.fg}`;
        });

        await step('older pages load when scrolling up; day separator; newest at the bottom', async () => {
            const bobAuth = {user: bob.userName, password: bob.password};

            for (let i = 1; i <= 45; i++) {
                await apiOk('POST', 'EblaChat/dialogs/' + dialogId + '/messages', {text: 'History line ' + i}, bobAuth);
            }

            await A.page.goto(BASE + '/#Dialog');
            await A.page.waitForSelector('.ebla-chat-page:not(.has-dialog)');
            await A.page.goto(BASE + '/#Dialog/view/' + dialogId);
            await A.page.waitForSelector(`.ebla-chat-conversation[data-dialog-id="${dialogId}"] .ebla-chat-message`);

            const first = await A.page.$$eval('.ebla-chat-conversation .ebla-chat-message', els => els.length);
            const last = await A.page.$eval('.ebla-chat-conversation .ebla-chat-message:last-child .ebla-chat-text',
                el => el.textContent);

            assert(last === 'History line 45', 'the newest at the bottom is ' + last);
            assert(await A.page.$('.ebla-chat-conversation .ebla-chat-day'), 'no day separator');

            await Promise.all([
                A.page.waitForResponse(r => /EblaChat\/dialogs\/[^/]+\/messages\?/.test(r.url()) && r.url().includes('before=')),
                A.page.$eval('.ebla-chat-history', el => {
                    el.scrollTop = 0;
                    el.dispatchEvent(new Event('scroll'));
                }),
            ]);

            await waitFor(async () => await A.page.$$eval('.ebla-chat-conversation .ebla-chat-message', els => els.length) > first,
                5000, 'older messages');

            const more = await A.page.$$eval('.ebla-chat-conversation .ebla-chat-message', els => els.length);

            return `${first} messages at first, ${more} after scrolling up`;
        });

        await step('portal: a customer in the portal gets badge, bell and popup, reads and replies', async () => {
            const {pat} = env;
            const P = await login(browser, pat);

            try {
                const dialog = await apiOk('POST', 'EblaChat/dialogs', {memberIds: [pat.id]});
                const before = await navCount(P.page);
                const message = await apiOk('POST', 'EblaChat/dialogs/' + dialog.id + '/messages',
                    {text: 'Hello Pat, your replacement printer ships today'});
                const sentAt = Date.now();

                await waitFor(async () => await navCount(P.page) === before + 1, deliveryTimeout + 5000, 'portal badge');
                const badge = Date.now() - sentAt;

                await P.page.waitForSelector('.popup-notification-ebla-chat', {timeout: deliveryTimeout + 5000});
                const popup = Date.now() - sentAt;

                await waitFor(async () => await bellCount(P.page) >= 1, deliveryTimeout + 5000, 'portal bell');
                latencies.portal = {badge, popup};

                await P.page.click('.popup-notification-ebla-chat .ebla-chat-popup');
                await P.page.waitForSelector(`.ebla-chat-message[data-id="${message.id}"]`);
                await waitFor(async () => await navCount(P.page) === before, 5000, 'portal badge cleared');
                await P.page.fill('.ebla-chat-input', 'Thank you!');

                const sent = await sendComposer(P.page);
                const list = await apiOk('GET', 'EblaChat/dialogs/' + dialog.id + '/messages?maxSize=5');

                assert(list.list.some(m => m.id === sent.message.id && m.authorId === pat.id), 'the reply is not in the dialog');

                await shot(P.page, 'portal');

                const partners = await apiOk('GET', `portal-access/${pat.portalId}/EblaChat/partners`, undefined,
                    {user: pat.userName, password: pat.password});

                assert(!partners.list.some(u => u.id === alice.id || u.id === bob.id),
                    'the portal user reaches users outside their dialogs');

                return `badge ${badge} ms, popup ${popup} ms after the post; reply sent from the portal; ` +
                    `partners: ${partners.list.length}`;
            }
            finally {
                await P.context.close();
            }
        });

        if (useWebSocket && WS_STOP && WS_START) {
            await step('catch-up: what was sent while the WebSocket daemon was down shows up after it is back, no reload', async () => {
                const {execSync} = require('child_process');

                await B.page.goto(BASE + '/#Dialog/view/' + dialogId);
                await B.page.waitForSelector(`.ebla-chat-conversation[data-dialog-id="${dialogId}"] .ebla-chat-message`);
                execSync(WS_STOP, {stdio: 'inherit'});

                const missed = await apiOk('POST', 'EblaChat/dialogs/' + dialogId + '/messages',
                    {text: 'Sent while the daemon was down'}, {user: alice.userName, password: alice.password});
                const downAt = Date.now();

                execSync(WS_START, {stdio: 'inherit'});

                const upAt = Date.now();

                await B.page.waitForSelector(`.ebla-chat-message[data-id="${missed.id}"]`, {timeout: 30000});

                const shownAt = Date.now();

                // And real time works again.
                await A.page.goto(BASE + '/#Dialog/view/' + dialogId);
                await A.page.waitForSelector('.ebla-chat-conversation .ebla-chat-input');
                await A.page.fill('.ebla-chat-input', 'And now live again');

                const sent = await sendComposer(A.page);

                await B.page.waitForSelector(`.ebla-chat-message[data-id="${sent.message.id}"]`, {timeout: deliveryTimeout + 5000});

                return `daemon down ${upAt - downAt} ms; the missed message shown ${shownAt - upAt} ms after the daemon ` +
                    `started again; the next one after ${Date.now() - sent.at} ms`;
            });
        }
        else {
            console.log('# catch-up after a WebSocket outage not checked: give --ws-stop=CMD --ws-start=CMD');
        }

        await step('keyboard: the dialog list and the composer work without a mouse', async () => {
            await A.page.goto(BASE + '/#Dialog');
            await A.page.waitForSelector('.ebla-chat-page:not(.has-dialog) .ebla-chat-dialogs li');
            await A.page.focus('.ebla-chat-page:not(.has-dialog) .ebla-chat-dialogs li');
            await A.page.keyboard.press('Enter');
            await A.page.waitForSelector('.ebla-chat-conversation .ebla-chat-input');
            await waitFor(() => A.page.evaluate(() => document.activeElement &&
                document.activeElement.classList.contains('ebla-chat-input')), 5000, 'focus in the composer');
            await A.page.keyboard.type('Typed without a mouse');

            const sent = await sendComposer(A.page);

            assert(sent.message.text === 'Typed without a mouse', 'sent ' + sent.message.text);

            return 'Enter on a dialog opens it with the composer focused; Enter sends';
        });
    }
    finally {
        console.log('# latencies (ms after the sender\'s request returned): ' + JSON.stringify(latencies));

        if (args.json) {
            fs.writeFileSync(args.json, JSON.stringify({stamp: STAMP, useWebSocket, latencies, results}, null, 2));
        }

        await browser.close();
    }

    console.log(`# ${results.filter(r => r.ok).length} passed, ${failures} failed`);
    process.exit(failures ? 1 : 0);
})().catch(e => {
    console.error(e);
    process.exit(1);
});
