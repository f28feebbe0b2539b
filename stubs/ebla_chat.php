<?php
/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/**
 * IDE stub of the ebla_chat extension (PhpStorm, PHPStan, Psalm): every function, constant and
 * class it provides, with PHPDoc. Never include it at run time: the extension declares all of this.
 * scripts/check-ide-stub.php fails CI when this file and the built extension's Reflection disagree.
 *
 * Conventions of every function that acts for a user:
 * - `$pdo` is the caller's connection (EspoCRM: `$entityManager->getPDO()`); MySQL/MariaDB,
 *   PostgreSQL or SQLite. Its error mode is never changed. When the caller already holds a
 *   transaction, the function works inside a savepoint and its events are published only after
 *   the caller commits.
 * - Ids are strings of 1 to 36 characters of A-Z a-z 0-9 - _ . (EspoCRM ids); anything else is a
 *   BadRequestException. Times are UTC strings `Y-m-d H:i:s`.
 * - Unknown option keys are a BadRequestException; integer options also accept numeric strings.
 * - A \PDOException raised by `$pdo` passes through unchanged, after the extension rolled back
 *   what it began (in silent or warning error mode it is raised from `errorInfo()`).
 *
 * Row shapes used below:
 * - message row: `array{id: string, number: int, dialogId: string, authorId: string, authorName: string,
 *   text: string, createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
 *   attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>}`
 * - dialog row: `array{id: string, name: ?string, type: 'direct'|'group', parentType: ?string, parentId: ?string,
 *   memberIds: list<string>, unread: int, mentions: int, muted: bool, lastMessage: ?message row,
 *   lastMessageAt: ?string, createdAt: string, createdById: string}`
 *
 * @link https://pecl.php.net/package/ebla_chat
 */

namespace {
    /** ebla_chat_schema() flag: also create EspoCRM 8.4's own core tables (user, team, role, note, attachment, ...). */
    const EBLA_CHAT_SCHEMA_CORE = 1;

    /**
     * The extension's version, e.g. "0.1.0".
     */
    function ebla_chat_version(): string {}

    /**
     * A new EspoCRM record id: 17 lowercase hex characters shaped like EspoCRM's uniqid() + 4 hex
     * (time-ordered, strictly increasing within a process), or a UUIDv4 when
     * `ebla_chat.id_type = uuid4`.
     */
    function ebla_chat_generate_id(): string {}

    /**
     * Creates the chat tables (`dialog`, `dialog_user`), or restores what an existing one lacks: missing
     * columns, a column whose type, default or NOT NULL changed (MySQL, PostgreSQL; EspoCRM's rebuild
     * may turn a counter into INT NULL), a missing index (rebuild may drop them); with
     * EBLA_CHAT_SCHEMA_CORE also EspoCRM's own core tables, exactly (for SQLite, standalone use, tests).
     * Idempotent: a second run returns [].
     *
     * @param int $flags 0 or EBLA_CHAT_SCHEMA_CORE
     * @return list<string> the statements it ran
     * @throws \EblaChat\BadRequestException the PDO driver is not mysql, pgsql or sqlite
     * @throws \PDOException
     */
    function ebla_chat_schema(PDO $pdo, int $flags = 0): array {}

    /**
     * Opens a dialog. One other member and no name: the direct dialog of the pair (for that parent
     * record when one is given), created or reused, even when two processes open it at once.
     * Otherwise a new group dialog. The actor is always a member; every other member must be a
     * chat partner of the actor. With one member and a parent this is EspoCRM's "chat button".
     *
     * @param list<string> $memberIds the other members (the actor may be listed; duplicates are ignored);
     *     at most 1000 ids, duplicates included (BadRequest beyond)
     * @param array{name?: ?string, parentType?: ?string, parentId?: ?string, type?: 'direct'|'group'|null,
     *     acl?: array{userRead?: 'all'|'team'|'own'|'no', portal?: 'yes'|'no', baselineRoleId?: string}|null} $options
     *     `parentType` (an entity type such as "Case") and `parentId` go together; `acl` passes the levels
     *     EspoCRM's AclManager computed for the actor (they take precedence over the role tables)
     * @return array{id: string, name: ?string, type: 'direct'|'group', parentType: ?string, parentId: ?string,
     *     memberIds: list<string>, unread: int, mentions: int, muted: bool,
     *     lastMessage: array{id: string, number: int, dialogId: string, authorId: string, authorName: string,
     *         text: string, createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
     *         attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>}|null,
     *     lastMessageAt: ?string, createdAt: string, createdById: string} the dialog row
     * @throws \EblaChat\BadRequestException malformed ids, unknown or invalid options, no other member,
     *     a direct dialog with more than one other member or with a name
     * @throws \EblaChat\NotFoundException the actor or a member does not exist
     * @throws \EblaChat\ForbiddenException the actor may not chat (inactive, portal users shut out), a member is
     *     not a permitted chat partner, portal users cannot open dialogs
     * @throws \EblaChat\SchemaException a direct dialog would be created while dialog.direct_key has no
     *     unique index (EspoCRM's rebuild may drop it): nothing is written; run ebla_chat_schema()
     * @throws \PDOException
     */
    function ebla_chat_dialog_open(PDO $pdo, string $actorId, array $memberIds, array $options = []): array {}

    /**
     * One dialog as the actor sees it. Members may read; admins may read any dialog.
     *
     * @return array{id: string, name: ?string, type: 'direct'|'group', parentType: ?string, parentId: ?string,
     *     memberIds: list<string>, unread: int, mentions: int, muted: bool,
     *     lastMessage: array{id: string, number: int, dialogId: string, authorId: string, authorName: string,
     *         text: string, createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
     *         attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>}|null,
     *     lastMessageAt: ?string, createdAt: string, createdById: string} the dialog row
     * @throws \EblaChat\BadRequestException malformed ids
     * @throws \EblaChat\NotFoundException unknown or deleted dialog or actor
     * @throws \EblaChat\ForbiddenException not a member (and not an admin), or the actor may not chat
     * @throws \PDOException
     */
    function ebla_chat_dialog_get(PDO $pdo, string $actorId, string $dialogId): array {}

    /**
     * The actor's dialogs, most recent activity first (by the number of the last message; dialogs
     * without messages after those, newest first). With parentType + parentId: the dialogs of one
     * record (the side panel).
     *
     * @param array{limit?: int|numeric-string, offset?: int|numeric-string, parentType?: ?string, parentId?: ?string,
     *     unreadOnly?: bool, acl?: array{userRead?: 'all'|'team'|'own'|'no', portal?: 'yes'|'no', baselineRoleId?: string}|null} $options
     *     `limit` 1..200 (default 50), `offset` >= 0
     * @return array{total: int, list: list<array{id: string, name: ?string, type: 'direct'|'group', parentType: ?string,
     *     parentId: ?string, memberIds: list<string>, unread: int, mentions: int, muted: bool,
     *     lastMessage: array{id: string, number: int, dialogId: string, authorId: string, authorName: string,
     *         text: string, createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
     *         attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>}|null,
     *     lastMessageAt: ?string, createdAt: string, createdById: string}>}
     * @throws \EblaChat\BadRequestException malformed ids, unknown or invalid options, limits out of range
     * @throws \EblaChat\NotFoundException the actor does not exist
     * @throws \EblaChat\ForbiddenException the actor may not chat
     * @throws \PDOException
     */
    function ebla_chat_dialog_list(PDO $pdo, string $actorId, array $options = []): array {}

    /**
     * Adds and removes members of a group dialog. New members start with everything read. Anyone
     * may leave (remove themselves); removing others is for the creator and admins.
     *
     * @param list<string> $add users to add (chat partners of the actor; not the actor), at most 1000 ids
     * @param list<string> $remove users to remove, at most 1000 ids
     * @return array{id: string, name: ?string, type: 'direct'|'group', parentType: ?string, parentId: ?string,
     *     memberIds: list<string>, unread: int, mentions: int, muted: bool,
     *     lastMessage: array{id: string, number: int, dialogId: string, authorId: string, authorName: string,
     *         text: string, createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
     *         attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>}|null,
     *     lastMessageAt: ?string, createdAt: string, createdById: string} the dialog row afterwards
     *     (after leaving: as an outsider sees it, unread 0)
     * @throws \EblaChat\BadRequestException a direct dialog, malformed ids, adding oneself, the same user added and removed
     * @throws \EblaChat\NotFoundException unknown dialog, actor or user
     * @throws \EblaChat\ForbiddenException not a member, not allowed to remove others, a user who is not a chat partner
     * @throws \PDOException
     */
    function ebla_chat_dialog_members(PDO $pdo, string $actorId, string $dialogId, array $add = [], array $remove = []): array {}

    /**
     * Mutes or unmutes a dialog for the actor: a muted dialog keeps its unread badge but is left out
     * of the bell total and never pops up.
     *
     * @throws \EblaChat\BadRequestException malformed ids
     * @throws \EblaChat\NotFoundException unknown dialog or actor
     * @throws \EblaChat\ForbiddenException not a member
     * @throws \PDOException
     */
    function ebla_chat_dialog_mute(PDO $pdo, string $actorId, string $dialogId, bool $muted): void {}

    /**
     * Posts a message: an EspoCRM stream post (`note` row, type Post, parent Dialog). The
     * attachments (uploaded earlier by EspoCRM: role Attachment, parent_id NULL, created by the
     * actor) are linked to it. `@userName` mentions of members are recorded in `data.mentions` and
     * counted. The author has read everything up to the new message.
     *
     * @param string $text UTF-8 without NUL bytes, at most ebla_chat.max_message_length bytes; may be empty only with attachments
     * @param list<string> $attachmentIds at most ebla_chat.max_attachments, duplicates included
     * @param array{voice?: bool, acl?: array{userRead?: 'all'|'team'|'own'|'no', portal?: 'yes'|'no', baselineRoleId?: string}|null} $options
     *     `voice`: a voice message (exactly one attachment, of an audio/* type)
     * @return array{id: string, number: int, dialogId: string, authorId: string, authorName: string, text: string,
     *     createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
     *     attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>} the message row
     * @throws \EblaChat\BadRequestException empty text without attachments, text too long, invalid UTF-8 or NUL,
     *     malformed ids, unknown options, an attachment that is missing, not the actor's or already used,
     *     a voice message that is not one audio attachment
     * @throws \EblaChat\NotFoundException unknown dialog or actor
     * @throws \EblaChat\ForbiddenException not a member; in a direct dialog, the other member is no longer a chat partner
     * @throws \PDOException
     */
    function ebla_chat_post(PDO $pdo, string $actorId, string $dialogId, string $text, array $attachmentIds = [], array $options = []): array {}

    /**
     * Message history, newest first, with attachments and author names.
     *
     * @param array{limit?: int|numeric-string, before?: int|numeric-string, after?: int|numeric-string} $options
     *     `limit` 1..200 (default 50); `before`: only numbers below it (older page); `after`: only numbers
     *     above it (the newest `limit` of those)
     * @return list<array{id: string, number: int, dialogId: string, authorId: string, authorName: string, text: string,
     *     createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
     *     attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>}>
     * @throws \EblaChat\BadRequestException malformed ids, unknown options, limits out of range
     * @throws \EblaChat\NotFoundException unknown dialog or actor
     * @throws \EblaChat\ForbiddenException not a member (and not an admin)
     * @throws \PDOException
     */
    function ebla_chat_messages(PDO $pdo, string $actorId, string $dialogId, array $options = []): array {}

    /**
     * Edits the text of the actor's own message; sets modifiedAt and `edited`. Mentions are
     * recorded again but not counted again.
     *
     * @return array{id: string, number: int, dialogId: string, authorId: string, authorName: string, text: string,
     *     createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
     *     attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>} the message row
     * @throws \EblaChat\BadRequestException empty text (unless the message has attachments), too long, invalid UTF-8, malformed ids
     * @throws \EblaChat\NotFoundException unknown or deleted message, or unknown actor
     * @throws \EblaChat\ForbiddenException not the author, or no longer a member
     * @throws \PDOException
     */
    function ebla_chat_message_edit(PDO $pdo, string $actorId, string $messageId, string $text): array {}

    /**
     * Soft-deletes a message (the author's own; admins may delete any). Unread counts stay exact.
     *
     * @throws \EblaChat\BadRequestException malformed ids
     * @throws \EblaChat\NotFoundException unknown or deleted message, or unknown actor
     * @throws \EblaChat\ForbiddenException neither the author nor an admin, or no longer a member
     * @throws \PDOException
     */
    function ebla_chat_message_delete(PDO $pdo, string $actorId, string $messageId): void {}

    /**
     * Unread counts: the bell total and the badge of every dialog with unread messages. Muted
     * dialogs are listed but not counted in `total`.
     *
     * @return array{total: int, dialogs: array<string, int>} dialog id => unread count (> 0)
     * @throws \EblaChat\BadRequestException malformed actor id
     * @throws \EblaChat\NotFoundException unknown actor
     * @throws \EblaChat\ForbiddenException the actor may not chat
     * @throws \PDOException
     */
    function ebla_chat_unread(PDO $pdo, string $actorId): array {}

    /**
     * Marks the dialog read up to a message number (null: everything). Reading never goes backwards.
     *
     * @param int|null $upToNumber a message number (>= 0), or null for the whole dialog
     * @return int what is still unread in the dialog
     * @throws \EblaChat\BadRequestException malformed ids, a negative number
     * @throws \EblaChat\NotFoundException unknown dialog or actor
     * @throws \EblaChat\ForbiddenException not a member
     * @throws \PDOException
     */
    function ebla_chat_mark_read(PDO $pdo, string $actorId, string $dialogId, ?int $upToNumber = null): int {}

    /**
     * Popup notifications: one item per dialog with unread messages newer than the last popup shown
     * for it. Each item is returned once (its watermark advances, atomically, so two tabs never
     * both get it) unless `peek` is true. Muted dialogs never pop up.
     *
     * @param array{peek?: bool, limit?: int|numeric-string} $options `limit` 1..100 (default 20)
     * @return list<array{dialogId: string, name: ?string, type: 'direct'|'group', unread: int, mentions: int,
     *     lastMessage: array{id: string, number: int, dialogId: string, authorId: string, authorName: string,
     *         text: string, createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
     *         attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>}|null}>
     * @throws \EblaChat\BadRequestException malformed actor id, unknown options, limits out of range
     * @throws \EblaChat\NotFoundException unknown actor
     * @throws \EblaChat\ForbiddenException the actor may not chat
     * @throws \PDOException
     */
    function ebla_chat_popups(PDO $pdo, string $actorId, array $options = []): array {}

    /**
     * Everything one request of the polling fallback needs: unread counts, popups (up to 20), and,
     * with `dialogId` + `after`, the open dialog's new messages.
     *
     * @param array{dialogId?: ?string, after?: int|numeric-string, limit?: int|numeric-string, peek?: bool} $options
     *     `dialogId` and `after` go together; `limit` (1..200, default 50) applies to `messages`;
     *     `peek` to `popups`
     * @return array{unread: array{total: int, dialogs: array<string, int>},
     *     popups: list<array{dialogId: string, name: ?string, type: 'direct'|'group', unread: int, mentions: int,
     *         lastMessage: array{id: string, number: int, dialogId: string, authorId: string, authorName: string,
     *             text: string, createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
     *             attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>}|null}>,
     *     messages?: list<array{id: string, number: int, dialogId: string, authorId: string, authorName: string,
     *         text: string, createdAt: string, modifiedAt: string, edited: bool, voice: bool, mentions: list<string>,
     *         attachments: list<array{id: string, name: ?string, type: ?string, size: ?int}>}>}
     * @throws \EblaChat\BadRequestException malformed ids, unknown options, `dialogId` without `after` or the reverse
     * @throws \EblaChat\NotFoundException unknown actor or dialog
     * @throws \EblaChat\ForbiddenException the actor may not chat, or is not a member of `dialogId`
     * @throws \PDOException
     */
    function ebla_chat_poll(PDO $pdo, string $actorId, array $options = []): array {}

    /**
     * Whether the actor may chat with another user under EspoCRM's rules: the `User` read level of
     * the actor's roles (all / team / own / no), portal permission, active regular/admin/portal
     * users only, never the system or API users. False for the actor itself.
     *
     * @param array{acl?: array{userRead?: 'all'|'team'|'own'|'no', portal?: 'yes'|'no', baselineRoleId?: string}|null} $options
     * @throws \EblaChat\BadRequestException malformed ids, unknown options
     * @throws \EblaChat\NotFoundException unknown actor or other user
     * @throws \EblaChat\ForbiddenException the actor may not chat
     * @throws \PDOException
     */
    function ebla_chat_can_chat(PDO $pdo, string $actorId, string $otherUserId, array $options = []): bool {}

    /**
     * The users the actor may chat with, ordered by display name.
     *
     * @param array{search?: ?string, limit?: int|numeric-string, offset?: int|numeric-string,
     *     acl?: array{userRead?: 'all'|'team'|'own'|'no', portal?: 'yes'|'no', baselineRoleId?: string}|null} $options
     *     `search`: a prefix of the first name, last name, user name or display name; `limit` 1..200 (default 50)
     * @return array{total: int, list: list<array{id: string, name: string, userName: ?string, type: string}>}
     * @throws \EblaChat\BadRequestException malformed actor id, unknown options, limits out of range
     * @throws \EblaChat\NotFoundException unknown actor
     * @throws \EblaChat\ForbiddenException the actor may not chat
     * @throws \PDOException
     */
    function ebla_chat_partners(PDO $pdo, string $actorId, array $options = []): array {}

    /**
     * The state of the Redis fan-out in this process: whether it is configured and connected, how
     * many events were published or failed, and the last error. Publishing never throws; this is
     * where its failures show (and in phpinfo()).
     *
     * Counters are per process (per php-fpm worker) and never reset by a request. See docs/realtime.md.
     *
     * @return array{state: 'disabled'|'idle'|'connected'|'backoff', layout: 'single'|'sharded', target: ?string,
     *     channel: string, attempts: int, published: int, failed: int, discarded: int, abandoned: int,
     *     deferred: int, lastError: ?string, lastErrorAt: ?string, retryAt: ?string, retryIn: float}
     */
    function ebla_chat_fanout_status(): array {}

    /**
     * The Redis channel an event goes to in the current layout: `<prefix>espo.websocket` (single
     * layout, the arguments are ignored), `<prefix>espo.websocket:user:{<userId>}` or
     * `<prefix>espo.websocket:topic:{<topicId>}` (sharded layout, one of them is required).
     *
     * @throws \ValueError sharded layout without a user id or topic id
     */
    function ebla_chat_fanout_channel(?string $userId = null, ?string $topicId = null): string {}

    /**
     * Publishes one EspoCRM WebSocket Submission message (a JSON object with a string "topicId",
     * and "userId" when it is for one user) through the extension's persistent connection, layout,
     * counters and backoff: the Sender of an EspoCRM Redis messager. With a PDO that is inside a
     * transaction, the message waits for that transaction's PDO::commit() (dropped on rollBack()).
     * Never throws for Redis trouble.
     *
     * @return bool true when Redis accepted it (or it waits for the commit); false when Redis is off,
     *     down, in backoff or refused it (see ebla_chat_fanout_status())
     * @throws \EblaChat\BadRequestException the message is not such a JSON object
     */
    function ebla_chat_fanout_send(string $message, ?PDO $pdo = null): bool {}

    /**
     * A blocking Redis subscriber for a bridge process (EspoCRM's WebSocket daemon, a test): hands
     * every message received on the channels to `$onEvent($channel, $payload)` until it returns false
     * or `$timeout` seconds have passed since the call began (a total limit; 0: no limit). Uses its
     * own connection; SSUBSCRIBE on the cluster master owning each channel in the sharded layout.
     * Exceptions thrown by `$onEvent` stop it and propagate.
     *
     * @param list<string> $channels channel names
     * @param callable $onEvent called for each event; returning false stops the subscriber
     * @param float $timeout seconds, 0.0 = wait forever
     * @return int how many events were handed over
     * @throws \EblaChat\ConnectionException Redis cannot be reached (or ebla_chat.redis_url is empty),
     *     refuses the subscription, or the connection is lost; subscribe again
     * @throws \ValueError empty channel list, a non-string or empty channel name, a negative timeout
     */
    function ebla_chat_subscribe(array $channels, callable $onEvent, float $timeout = 0.0): int {}
}

namespace EblaChat {
    /**
     * Marker of every exception the extension throws (catch it to map them to EspoCRM's errors).
     *
     * @phpstan-require-extends \Exception
     */
    interface Exception {}

    /** An unknown or deleted dialog, message or user (EspoCRM: NotFound, HTTP 404). */
    class NotFoundException extends \RuntimeException implements Exception {}

    /**
     * Not a member, not the author, not a permitted chat partner, or portal users shut out
     * (EspoCRM: Forbidden, HTTP 403).
     */
    class ForbiddenException extends \RuntimeException implements Exception {}

    /**
     * Input the extension refuses: empty or oversized or invalid text, malformed ids, unknown options,
     * limits out of range, unusable attachments, membership changes on a direct dialog
     * (EspoCRM: BadRequest, HTTP 400).
     */
    class BadRequestException extends \InvalidArgumentException implements Exception {}

    /** ebla_chat_subscribe() cannot reach Redis (publishing never throws). */
    class ConnectionException extends \RuntimeException implements Exception {}

    /**
     * The chat tables lack what the engine relies on to stay correct (the unique index on
     * dialog.direct_key, which EspoCRM's rebuild may drop): run ebla_chat_schema() to restore it.
     */
    class SchemaException extends \RuntimeException implements Exception {}
}
