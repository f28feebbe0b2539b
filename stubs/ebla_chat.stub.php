<?php

/**
 * Declarations of ebla_chat: the input of gen_stub.php, which writes ebla_chat_arginfo.h.
 * The documented IDE stub is stubs/ebla_chat.php.
 *
 * @generate-class-entries
 */
/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */

namespace {
    /**
     * @var int
     * @cvalue EC_SCHEMA_CORE
     */
    const EBLA_CHAT_SCHEMA_CORE = UNKNOWN;

    /* --- core --- */
    function ebla_chat_version(): string {}
    function ebla_chat_generate_id(): string {}
    function ebla_chat_schema(PDO $pdo, int $flags = 0): array {}

    /* --- dialogs --- */
    function ebla_chat_dialog_open(PDO $pdo, string $actorId, array $memberIds, array $options = []): array {}
    function ebla_chat_dialog_get(PDO $pdo, string $actorId, string $dialogId): array {}
    function ebla_chat_dialog_list(PDO $pdo, string $actorId, array $options = []): array {}
    function ebla_chat_dialog_members(PDO $pdo, string $actorId, string $dialogId, array $add = [], array $remove = []): array {}

    /* --- messages --- */
    function ebla_chat_post(PDO $pdo, string $actorId, string $dialogId, string $text, array $attachmentIds = [], array $options = []): array {}
    function ebla_chat_messages(PDO $pdo, string $actorId, string $dialogId, array $options = []): array {}
    function ebla_chat_message_edit(PDO $pdo, string $actorId, string $messageId, string $text): array {}
    function ebla_chat_message_delete(PDO $pdo, string $actorId, string $messageId): void {}

    /* --- unread --- */
    function ebla_chat_unread(PDO $pdo, string $actorId): array {}
    function ebla_chat_mark_read(PDO $pdo, string $actorId, string $dialogId, ?int $upToNumber = null): int {}
    function ebla_chat_popups(PDO $pdo, string $actorId, array $options = []): array {}
    function ebla_chat_poll(PDO $pdo, string $actorId, array $options = []): array {}
    function ebla_chat_dialog_mute(PDO $pdo, string $actorId, string $dialogId, bool $muted): void {}

    /* --- acl --- */
    function ebla_chat_can_chat(PDO $pdo, string $actorId, string $otherUserId, array $options = []): bool {}
    function ebla_chat_partners(PDO $pdo, string $actorId, array $options = []): array {}

    /* --- fanout --- */
    function ebla_chat_fanout_status(): array {}
    function ebla_chat_fanout_channel(?string $userId = null, ?string $topicId = null): string {}
    function ebla_chat_fanout_send(string $message, ?PDO $pdo = null): bool {}
    function ebla_chat_subscribe(array $channels, callable $onEvent, float $timeout = 0.0): int {}
}

namespace EblaChat {
    interface Exception {}

    class NotFoundException extends \RuntimeException implements Exception {}

    class ForbiddenException extends \RuntimeException implements Exception {}

    class BadRequestException extends \InvalidArgumentException implements Exception {}

    class ConnectionException extends \RuntimeException implements Exception {}

    class SchemaException extends \RuntimeException implements Exception {}
}
