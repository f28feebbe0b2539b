<?php
/*
 * Ebla Chat for EspoCRM: the bridge between EspoCRM's request and the ebla_chat extension.
 */

namespace Espo\Modules\EblaChat\Classes;

use Closure;
use Espo\Core\Acl;
use Espo\Core\Exceptions\BadRequest;
use Espo\Core\Exceptions\Error;
use Espo\Core\Exceptions\Forbidden;
use Espo\Core\Exceptions\NotFound;
use Espo\Core\Utils\Config;
use Espo\Core\Utils\Metadata;
use Espo\Entities\User;
use Espo\ORM\Entity;
use Espo\ORM\EntityManager;
use PDO;

/**
 * One per request (constructor injection): the acting user, EspoCRM's own PDO (so the engine joins
 * any transaction EspoCRM's TransactionManager holds), the ACL levels EspoCRM computed, and the
 * mapping of the engine's exceptions to EspoCRM's HTTP errors.
 */
class Engine
{
    public const SCOPE = 'Dialog';

    private const USER_READ_LEVELS = ['all', 'team', 'own', 'no'];

    public function __construct(
        private EntityManager $entityManager,
        private User $user,
        private Acl $acl,
        private Config $config,
        private Metadata $metadata,
    ) {}

    public static function isLoaded(): bool
    {
        return extension_loaded('ebla_chat') && function_exists('ebla_chat_post');
    }

    /** The message shown wherever the extension is missing (installer, API). */
    public static function missingMessage(): string
    {
        return 'Ebla Chat needs the ebla_chat PHP extension, which is not loaded in this PHP (' .
            PHP_VERSION . ', SAPI ' . PHP_SAPI . ', php.ini ' . (php_ini_loaded_file() ?: 'none') . '). ' .
            'Install it with "pecl install ebla_chat", add "extension=ebla_chat" to the php.ini of every ' .
            'PHP that runs EspoCRM (web server or PHP-FPM, CLI for cron and the WebSocket daemon), ' .
            'restart PHP and try again.';
    }

    public function pdo(): PDO
    {
        return $this->entityManager->getPDO();
    }

    public function actorId(): string
    {
        return $this->user->getId();
    }

    public function user(): User
    {
        return $this->user;
    }

    public function acl(): Acl
    {
        return $this->acl;
    }

    public function entityManager(): EntityManager
    {
        return $this->entityManager;
    }

    public function metadata(): Metadata
    {
        return $this->metadata;
    }

    /**
     * The levels EspoCRM's AclManager computed for the actor, in the shape of the engine's `acl`
     * option: the User read level (roles, teams, defaults as EspoCRM merges them), the portal
     * permission, and the baseline role (EspoCRM 9.x; none before).
     *
     * @return array{userRead?: string, portal?: string, baselineRoleId: string}
     */
    public function aclOption(): array
    {
        $option = ['baselineRoleId' => (string) ($this->config->get('baselineRoleId') ?? '')];

        if ($this->user->isPortal() || $this->user->isAdmin()) {
            return $option;
        }

        $userRead = $this->acl->getLevel('User', 'read');

        if (in_array($userRead, self::USER_READ_LEVELS, true)) {
            $option['userRead'] = $userRead;
        }

        $portal = $this->acl->getPermissionLevel('portal');
        $option['portal'] = $portal === 'yes' ? 'yes' : 'no';

        return $option;
    }

    /**
     * 403 unless the actor's roles give access to the Dialog scope for the action.
     *
     * @throws Forbidden
     */
    public function requireScope(string $action = 'read'): void
    {
        if (!$this->acl->checkScope(self::SCOPE, $action)) {
            throw new Forbidden("No '$action' access to the Dialog scope.");
        }
    }

    /**
     * Runs an engine call and maps its exceptions: BadRequest 400, Forbidden 403, NotFound 404
     * (the message goes to X-Status-Reason). PDOException and anything else stays a 500.
     *
     * @template T
     * @param Closure(): T $call
     * @return T
     * @throws BadRequest
     * @throws Forbidden
     * @throws NotFound
     * @throws Error
     */
    public function call(Closure $call): mixed
    {
        if (!self::isLoaded()) {
            throw new Error(self::missingMessage());
        }

        try {
            return $call();
        } catch (\EblaChat\NotFoundException $e) {
            throw new NotFound($e->getMessage());
        } catch (\EblaChat\ForbiddenException $e) {
            throw new Forbidden($e->getMessage());
        } catch (\EblaChat\BadRequestException $e) {
            throw new BadRequest($e->getMessage());
        } catch (\TypeError $e) {
            // A PHP \Error would bypass EspoCRM's error output (a bare 500): a wrong type from the
            // client is a bad request.
            throw new BadRequest($e->getMessage());
        }
    }

    /**
     * The entity types a dialog may be linked to: the parent field's entity list, which the
     * administrator edits in the Entity Manager.
     *
     * @return string[]
     */
    public function parentTypeList(): array
    {
        return (array) ($this->metadata->get(['entityDefs', self::SCOPE, 'fields', 'parent', 'entityList']) ?? []);
    }

    /**
     * A dialog's parent (or a chat button's record): of a type the administrator allows (the
     * parent field's entity list), existing, and readable by the actor.
     *
     * @throws BadRequest
     * @throws Forbidden
     * @throws NotFound
     */
    public function checkParent(?string $parentType, ?string $parentId): Entity
    {
        if ($parentType === null || $parentId === null) {
            throw new BadRequest("'parentType' and 'parentId' go together.");
        }

        if (!in_array($parentType, $this->parentTypeList(), true) || !$this->entityManager->hasRepository($parentType)) {
            throw new BadRequest("A dialog cannot be linked to a '$parentType' (see the Dialog parent field).");
        }

        $parent = $this->entityManager->getEntityById($parentType, $parentId);

        if (!$parent) {
            throw new NotFound("No $parentType '$parentId'.");
        }

        if (!$this->acl()->checkEntityRead($parent)) {
            throw new Forbidden("No read access to the $parentType.");
        }

        return $parent;
    }
}
