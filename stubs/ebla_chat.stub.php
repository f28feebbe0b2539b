<?php

/**
 * Declarations of ebla_chat: the input of gen_stub.php, which writes ebla_chat_arginfo.h.
 * The documented IDE stub is stubs/ebla_chat.php.
 *
 * @generate-class-entries
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

    /* --- messages --- */

    /* --- unread --- */

    /* --- acl --- */

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
}
