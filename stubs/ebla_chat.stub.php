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
    function ebla_chat_can_chat(PDO $pdo, string $actorId, string $otherUserId, array $options = []): bool {}
    function ebla_chat_partners(PDO $pdo, string $actorId, array $options = []): array {}

    /* --- fanout --- */
}

namespace EblaChat {
    interface Exception {}

    class NotFoundException extends \RuntimeException implements Exception {}

    class ForbiddenException extends \RuntimeException implements Exception {}

    class BadRequestException extends \InvalidArgumentException implements Exception {}

    class ConnectionException extends \RuntimeException implements Exception {}
}
