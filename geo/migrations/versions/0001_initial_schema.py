"""Initial schema: the area hierarchy, buildings, households, residents, staff, cases and users.

Buildings get their grid from a trigger, so nobody can type it in.

Revision ID: 0001
Revises: 
"""

import geoalchemy2
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


# The locate rule (geo/territory/locate.py): the smallest covering grid wins, then the lowest code.
GRID_AT = """
CREATE FUNCTION wangge_grid_at(g geometry) RETURNS varchar LANGUAGE sql STABLE AS $$
    SELECT code FROM areas WHERE level = 'grid' AND ST_Covers(geom, g) ORDER BY area_m2, code LIMIT 1
$$;
CREATE FUNCTION wangge_building_grid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.grid_code := wangge_grid_at(ST_PointOnSurface(NEW.geom));
    RETURN NEW;
END
$$;
"""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table('areas',
    sa.Column('code', sa.String(length=15), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('parent_code', sa.String(length=15), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=True),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("(level = 'district' AND code ~ '^[0-9]{6}$') OR (level IN ('street', 'community') AND code ~ '^[0-9]{12}$') OR (level = 'grid' AND code ~ '^[0-9]{15}$')", name='ck_areas_code'),
    sa.CheckConstraint("(level = 'grid') = (kind IS NOT NULL)", name='ck_areas_kind'),
    sa.CheckConstraint("level IN ('district', 'street', 'community', 'grid')", name='ck_areas_level'),
    sa.ForeignKeyConstraint(['parent_code'], ['areas.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_index('ix_areas_geom', 'areas', ['geom'], unique=False, postgresql_using='gist')
    op.create_index('ix_areas_level', 'areas', ['level'], unique=False)
    op.create_index('ix_areas_parent_code', 'areas', ['parent_code'], unique=False)
    op.create_table('buildings',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('code', sa.Text(), nullable=True),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('compound', sa.Text(), nullable=True),
    sa.Column('floors', sa.Integer(), nullable=True),
    sa.Column('geom', geoalchemy2.types.Geometry(srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('grid_code', sa.String(length=15), nullable=True),
    sa.CheckConstraint("GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')", name='ck_buildings_geom'),
    sa.ForeignKeyConstraint(['grid_code'], ['areas.code'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_index('ix_buildings_geom', 'buildings', ['geom'], unique=False, postgresql_using='gist')
    op.create_index('ix_buildings_grid_code', 'buildings', ['grid_code'], unique=False)
    op.execute(GRID_AT)
    op.execute("CREATE TRIGGER buildings_grid BEFORE INSERT OR UPDATE ON buildings "
               "FOR EACH ROW EXECUTE FUNCTION wangge_building_grid()")
    op.create_table('cases',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=24), server_default='registered', nullable=False),
    sa.Column('channel', sa.String(length=24), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('geom', geoalchemy2.types.Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.Column('grid_code', sa.String(length=15), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['grid_code'], ['areas.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_cases_geom', 'cases', ['geom'], unique=False, postgresql_using='gist')
    op.create_index('ix_cases_grid_code', 'cases', ['grid_code'], unique=False)
    op.create_index('ix_cases_status', 'cases', ['status'], unique=False)
    op.create_table('users',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('username', sa.Text(), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('scope_code', sa.String(length=15), nullable=True),
    sa.Column('display_name', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("role = 'admin' OR scope_code IS NOT NULL", name='ck_users_scope'),
    sa.CheckConstraint("role IN ('admin', 'command_center', 'street_staff', 'community_staff', 'grid_worker', 'planner')", name='ck_users_role'),
    sa.ForeignKeyConstraint(['scope_code'], ['areas.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('households',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('building_id', sa.BigInteger(), nullable=False),
    sa.Column('door', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_households_building_id'), 'households', ['building_id'], unique=False)
    op.create_table('staff',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('residents',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('household_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('gender', sa.String(length=1), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('residence', sa.String(length=12), server_default='registered', nullable=False),
    sa.Column('special_groups', sa.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.CheckConstraint("residence IN ('registered', 'floating')", name='ck_residents_residence'),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_residents_household_id'), 'residents', ['household_id'], unique=False)
    op.create_table('staff_assignments',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('staff_id', sa.BigInteger(), nullable=False),
    sa.Column('duty', sa.String(length=24), nullable=False),
    sa.Column('area_code', sa.String(length=15), nullable=True),
    sa.Column('building_id', sa.BigInteger(), nullable=True),
    sa.Column('start_date', sa.Date(), server_default=sa.text('CURRENT_DATE'), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.CheckConstraint("duty IN ('grid_leader', 'fulltime_worker', 'parttime_worker', 'building_head', 'community_secretary', 'community_staff', 'street_staff')", name='ck_staff_assignments_duty'),
    sa.CheckConstraint('area_code IS NOT NULL OR building_id IS NOT NULL', name='ck_staff_assignments_target'),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name='ck_staff_assignments_period'),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], ),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_staff_assignments_area_code'), 'staff_assignments', ['area_code'], unique=False)
    op.create_index(op.f('ix_staff_assignments_building_id'), 'staff_assignments', ['building_id'], unique=False)
    op.create_index(op.f('ix_staff_assignments_staff_id'), 'staff_assignments', ['staff_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_staff_assignments_staff_id'), table_name='staff_assignments')
    op.drop_index(op.f('ix_staff_assignments_building_id'), table_name='staff_assignments')
    op.drop_index(op.f('ix_staff_assignments_area_code'), table_name='staff_assignments')
    op.drop_table('staff_assignments')
    op.drop_index(op.f('ix_residents_household_id'), table_name='residents')
    op.drop_table('residents')
    op.drop_table('staff')
    op.drop_index(op.f('ix_households_building_id'), table_name='households')
    op.drop_table('households')
    op.drop_table('users')
    op.drop_index('ix_cases_status', table_name='cases')
    op.drop_index('ix_cases_grid_code', table_name='cases')
    op.drop_index('ix_cases_geom', table_name='cases', postgresql_using='gist')
    op.drop_table('cases')
    op.drop_index('ix_buildings_grid_code', table_name='buildings')
    op.drop_index('ix_buildings_geom', table_name='buildings', postgresql_using='gist')
    op.drop_table('buildings')
    op.execute("DROP FUNCTION wangge_building_grid()")
    op.execute("DROP FUNCTION wangge_grid_at(geometry)")
    op.drop_index('ix_areas_parent_code', table_name='areas')
    op.drop_index('ix_areas_level', table_name='areas')
    op.drop_index('ix_areas_geom', table_name='areas', postgresql_using='gist')
    op.drop_table('areas')
