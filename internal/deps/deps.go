package deps
import (
 _ "modernc.org/sqlite"
 _ "github.com/jackc/pgx/v5"
 _ "github.com/jackc/pgx/v5/pgxpool"
 _ "github.com/aws/aws-sdk-go-v2/aws"
 _ "github.com/aws/aws-sdk-go-v2/config"
 _ "github.com/aws/aws-sdk-go-v2/credentials"
 _ "github.com/aws/aws-sdk-go-v2/service/iot"
 _ "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
 _ "gopkg.in/yaml.v3"
 _ "github.com/BurntSushi/toml"
 _ "github.com/google/uuid"
 _ "golang.org/x/sync/errgroup"
)
