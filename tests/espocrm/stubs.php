<?php
/*
 * The few EspoCRM classes the package's REST layer touches, reduced to what it calls, so that
 * the layer can be driven without EspoCRM (static.php). Shapes follow EspoCRM 8.4/9.x.
 */

namespace Espo\Core\Exceptions {
    class BadRequest extends \Exception {}
    class Forbidden extends \Exception {}
    class NotFound extends \Exception {}
    class Error extends \Exception {}
}

namespace Espo\ORM {
    interface Entity
    {
        public function getId(): ?string;
        public function getEntityType(): string;
        public function get(string $attribute): mixed;
        public function hasAttribute(string $attribute): bool;
    }

    class EntityManager
    {
        /** @var array<string, array<string, Entity>> */
        public array $entities = [];

        public function __construct(private \PDO $pdo) {}

        public function getPDO(): \PDO
        {
            return $this->pdo;
        }

        public function hasRepository(string $entityType): bool
        {
            return isset($this->entities[$entityType]);
        }

        public function getEntityById(string $entityType, string $id): ?Entity
        {
            return $this->entities[$entityType][$id] ?? null;
        }
    }
}

namespace Espo\Entities {
    class User
    {
        public function __construct(private string $id, private string $type = 'regular') {}

        public function getId(): string
        {
            return $this->id;
        }

        public function isAdmin(): bool
        {
            return in_array($this->type, ['admin', 'super-admin', 'system'], true);
        }

        public function isPortal(): bool
        {
            return $this->type === 'portal';
        }
    }
}

namespace Espo\Core {
    class Acl
    {
        /** @param array<string, array<string, string>> $levels scope => action => level */
        public function __construct(public array $levels = [], public string $portal = 'no', public bool $readAll = true) {}

        public function getLevel(string $scope, string $action): string
        {
            return $this->levels[$scope][$action] ?? 'no';
        }

        public function getPermissionLevel(string $permission): string
        {
            return $permission === 'portal' ? $this->portal : 'no';
        }

        public function checkScope(string $scope, ?string $action = null): bool
        {
            return $this->getLevel($scope, $action ?? 'read') !== 'no';
        }

        public function checkEntityRead(\Espo\ORM\Entity $entity): bool
        {
            return $this->readAll;
        }
    }
}

namespace Espo\Core\Utils {
    class Config
    {
        public function __construct(private array $data = []) {}

        public function get(string $name, mixed $default = null): mixed
        {
            return $this->data[$name] ?? $default;
        }
    }

    class Metadata
    {
        public function __construct(private array $data = []) {}

        public function get(array|string $path, mixed $default = null): mixed
        {
            $value = $this->data;

            foreach ((array) $path as $key) {
                if (!is_array($value) || !array_key_exists($key, $value)) {
                    return $default;
                }

                $value = $value[$key];
            }

            return $value;
        }
    }
}

namespace Espo\Core\Api {
    interface Action
    {
        public function process(Request $request): Response;
    }

    interface Request
    {
        public function hasQueryParam(string $name): bool;
        public function getQueryParam(string $name): ?string;
        public function getQueryParams(): array;
        public function getRouteParam(string $name): ?string;
        public function getBodyContents(): ?string;
    }

    class Response
    {
        public function __construct(public string $body = '') {}
    }

    class ResponseComposer
    {
        public static function json(mixed $data): Response
        {
            return new Response(json_encode($data, JSON_THROW_ON_ERROR));
        }
    }

    /** A request as the router would hand it over. */
    class FakeRequest implements Request
    {
        public function __construct(private array $route = [], private array $query = [], private ?string $body = null) {}

        public function hasQueryParam(string $name): bool
        {
            return array_key_exists($name, $this->query);
        }

        public function getQueryParam(string $name): ?string
        {
            $value = $this->query[$name] ?? null;

            return is_string($value) ? $value : null;
        }

        public function getQueryParams(): array
        {
            return $this->query;
        }

        public function getRouteParam(string $name): ?string
        {
            return $this->route[$name] ?? null;
        }

        public function getBodyContents(): ?string
        {
            return $this->body;
        }
    }
}
